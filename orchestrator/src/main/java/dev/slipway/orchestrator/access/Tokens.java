package dev.slipway.orchestrator.access;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.InvalidInput.Violation;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.orchestrator.secrets.SecretStore;
import dev.slipway.orchestrator.targets.TargetValidator;
import dev.slipway.platform.auth.Scope;
import dev.slipway.platform.auth.TokenAuthenticator;
import dev.slipway.platform.grpc.Caller;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Bearer tokens: created with their secret shown once, kept as HMAC-SHA256 under a key of Slipway's
 * own (in the secret store), authenticated on every call. A verdict is cached for half a second at
 * most, so a revoked or expired token is refused on every replica within a second.
 */
@Singleton
public class Tokens implements TokenAuthenticator {
  public static final Duration DEFAULT_LIFETIME = Duration.ofDays(90);
  private static final Duration LONGEST_LIFETIME = Duration.ofDays(3650);
  private static final long CACHE_NANOS = Duration.ofMillis(500).toNanos();
  private static final int CACHE_ENTRIES = 10_000;
  private static final String HASH_KEY = "slipway:token-hash-key";
  private static final String DELEGATION = "sd1.";
  private static final Duration DELEGATION_LIFETIME = Duration.ofSeconds(30);
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private final TokenRepository repository;
  private final SecretStore secrets;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final Map<String, Verdict> cache = new ConcurrentHashMap<>();
  private volatile SecretKeySpec hashKey;

  /** A new token and its secret, which exists nowhere else. */
  public record Created(TokenRow token, String secret) {}

  private record Verdict(Caller caller, long validUntilNanos) {}

  public Tokens(TokenRepository repository, SecretStore secrets, Clock clock, Supplier<UUID> ids) {
    this.repository = repository;
    this.secrets = secrets;
    this.clock = clock;
    this.ids = ids;
  }

  /** Creates a token; {@code lifetime} null means it never expires. */
  public Created create(String name, List<String> scopes, Duration lifetime, String createdBy) {
    return create(name, scopes, lifetime, createdBy, TokenSecrets.generate());
  }

  Created create(
      String name, List<String> scopes, Duration lifetime, String createdBy, String secret) {
    List<Violation> violations = new ArrayList<>();
    if (!TargetValidator.NAME.matcher(name).matches()) {
      violations.add(
          new Violation(
              "name",
              name.isEmpty()
                  ? "is required"
                  : "must be lowercase letters, digits and '-', at most 63 (it names the actor on everything the token does)"));
    }
    if (scopes.isEmpty()) {
      violations.add(
          new Violation("scopes", "at least one is required, e.g. read or deploy:staging"));
    }
    List<Scope> parsed = new ArrayList<>();
    for (int i = 0; i < scopes.size(); i++) {
      try {
        parsed.add(Scope.parse(scopes.get(i)));
      } catch (IllegalArgumentException e) {
        violations.add(new Violation("scopes[" + i + "]", e.getMessage()));
      }
    }
    if (lifetime != null
        && (lifetime.isNegative()
            || lifetime.isZero()
            || lifetime.compareTo(LONGEST_LIFETIME) > 0)) {
      violations.add(
          new Violation("expires_in", "must be between 1 second and 3650 days (or never_expires)"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidInput(violations);
    }
    if (repository.findByNameAndRevokedAtIsNull(name).isPresent()) {
      throw new Refused(
          "a token named '"
              + name
              + "' exists; revoke it first (slipway token revoke "
              + name
              + ")");
    }
    Instant now = clock.instant();
    TokenRow row =
        new TokenRow(
            ids.get(),
            name,
            hash(secret),
            String.join(" ", parsed.stream().map(Scope::toString).distinct().toList()),
            createdBy,
            now,
            lifetime == null ? null : now.plus(lifetime),
            null,
            null);
    return new Created(repository.save(row), secret);
  }

  public List<TokenRow> list(boolean includeInactive) {
    return includeInactive
        ? repository.listOrderByCreatedAtDesc()
        : repository.listActive(clock.instant());
  }

  /** Revokes a token by id or by the name of a token that is not revoked. */
  public TokenRow revoke(String nameOrId) {
    Optional<TokenRow> token =
        parseUuid(nameOrId)
            .flatMap(repository::findById)
            .or(() -> repository.findByNameAndRevokedAtIsNull(nameOrId));
    TokenRow row =
        token.orElseThrow(
            () ->
                new NotFound(
                    "no token named '"
                        + nameOrId.replaceAll("\\p{Cntrl}", "?")
                        + "' that is not revoked; see slipway token list"));
    repository.revoke(row.id(), clock.instant());
    cache.clear();
    return repository.findById(row.id()).orElseThrow();
  }

  /**
   * The row of a good token's secret; throws {@link TokenAuthenticator.Refused} as authenticate.
   */
  TokenRow authenticatedRow(String secret) {
    authenticate(secret);
    return repository
        .findByHash(hash(secret))
        .orElseThrow(() -> new TokenAuthenticator.Refused("unknown token"));
  }

  /** The caller a token row stands for now; refused when it is revoked or expired. */
  Caller callerOf(TokenRow row) {
    if (row.revokedAt() != null) {
      throw new TokenAuthenticator.Refused(
          "token '" + row.name() + "' was revoked at " + row.revokedAt());
    }
    if (row.expiresAt() != null && !clock.instant().isBefore(row.expiresAt())) {
      throw new TokenAuthenticator.Refused(
          "token '" + row.name() + "' expired at " + row.expiresAt());
    }
    return new Caller(
        row.name(), Arrays.stream(row.scopes().split(" ")).map(Scope::parse).toList());
  }

  /** Whether no token exists at all: the orchestrator's very first start. */
  public boolean none() {
    return repository.count() == 0;
  }

  @Override
  public Caller authenticate(String secret) {
    if (!TokenSecrets.plausible(secret)) {
      throw new TokenAuthenticator.Refused(
          "malformed token (its checksum does not match): was it copied whole?");
    }
    byte[] hash = hash(secret);
    String key = HexFormat.of().formatHex(hash);
    Verdict cached = cache.get(key);
    if (cached != null && System.nanoTime() < cached.validUntilNanos()) {
      return cached.caller();
    }
    TokenRow row =
        repository
            .findByHash(hash)
            .orElseThrow(() -> new TokenAuthenticator.Refused("unknown token"));
    Instant now = clock.instant();
    Caller caller = callerOf(row);
    repository.touch(row.id(), now);
    long validFor =
        row.expiresAt() == null
            ? CACHE_NANOS
            : Math.min(CACHE_NANOS, Duration.between(now, row.expiresAt()).toNanos());
    if (cache.size() >= CACHE_ENTRIES) {
      cache.clear();
    }
    cache.put(key, new Verdict(caller, System.nanoTime() + validFor));
    return caller;
  }

  /**
   * A stand-in for the caller's token, for a worker the orchestrator passes a call to: it names the
   * caller and its scopes, is signed with Slipway's own key, lasts 30 s, and is good only to {@code
   * WorkerService/Authenticate}. The worker never sees the caller's token.
   */
  public String delegate(Caller caller) {
    String payload =
        caller.name()
            + "\n"
            + caller.scopes().stream().map(Scope::toString).collect(Collectors.joining(" "))
            + "\n"
            + clock.instant().plus(DELEGATION_LIFETIME).toEpochMilli();
    String body = BASE64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
    return DELEGATION + body + "." + BASE64.encodeToString(hash(DELEGATION + body));
  }

  /** Whether {@code bearer} is a delegation rather than a token. */
  public static boolean isDelegation(String bearer) {
    return bearer.startsWith(DELEGATION);
  }

  /** The caller a delegation names; throws {@link TokenAuthenticator.Refused} for a bad one. */
  public Caller delegated(String delegation) {
    String[] parts = delegation.substring(DELEGATION.length()).split("\\.", 2);
    try {
      if (parts.length != 2
          || !MessageDigest.isEqual(
              Base64.getUrlDecoder().decode(parts[1]), hash(DELEGATION + parts[0]))) {
        throw new TokenAuthenticator.Refused("delegation not signed by this Slipway");
      }
      String[] fields =
          new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8)
              .split("\n", 3);
      if (!clock.instant().isBefore(Instant.ofEpochMilli(Long.parseLong(fields[2])))) {
        throw new TokenAuthenticator.Refused("delegation expired");
      }
      return new Caller(
          fields[0],
          fields[1].isEmpty()
              ? List.of()
              : Arrays.stream(fields[1].split(" ")).map(Scope::parse).toList());
    } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
      throw new TokenAuthenticator.Refused("malformed delegation");
    }
  }

  byte[] hash(String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(hashKey());
      return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }

  private SecretKeySpec hashKey() {
    SecretKeySpec key = hashKey;
    if (key == null) {
      key =
          new SecretKeySpec(
              secrets.ownKey(
                  HASH_KEY,
                  () -> {
                    byte[] random = new byte[32];
                    new SecureRandom().nextBytes(random);
                    return random;
                  }),
              "HmacSHA256");
      hashKey = key;
    }
    return key;
  }

  private static Optional<UUID> parseUuid(String text) {
    try {
      return Optional.of(UUID.fromString(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
