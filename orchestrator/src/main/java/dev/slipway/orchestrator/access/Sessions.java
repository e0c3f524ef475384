package dev.slipway.orchestrator.access;

import dev.slipway.platform.auth.TokenAuthenticator;
import dev.slipway.platform.grpc.Caller;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The dashboard's sign-in: a token presented once opens a session whose secret lives only in an
 * HttpOnly cookie. The session acts as its token, for at most 12 hours and never past the token's
 * own expiry, and ends with the token's revocation. Its CSRF token is derived from its secret, so
 * nothing but the secret's hash is stored.
 */
@Singleton
public class Sessions {
  public static final Duration LIFETIME = Duration.ofHours(12);
  private static final String PREFIX = "sws1_";
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Tokens tokens;
  private final TokenRepository tokenRows;
  private final SessionRepository repository;
  private final Clock clock;
  private final Supplier<UUID> ids;

  /** A session just opened: its secret (for the cookie), its CSRF token, who it acts as. */
  public record Opened(String secret, String csrfToken, Caller caller, Instant expiresAt) {}

  public Sessions(
      Tokens tokens,
      TokenRepository tokenRows,
      SessionRepository repository,
      Clock clock,
      Supplier<UUID> ids) {
    this.tokens = tokens;
    this.tokenRows = tokenRows;
    this.repository = repository;
    this.clock = clock;
    this.ids = ids;
  }

  /** Whether a bearer value is a session's secret rather than a token's. */
  public static boolean isSession(String bearer) {
    return bearer.startsWith(PREFIX);
  }

  /** Opens a session for a good token; throws {@link TokenAuthenticator.Refused} for a bad one. */
  public Opened open(String tokenSecret) {
    if (isSession(tokenSecret) || Tokens.isDelegation(tokenSecret)) {
      throw new TokenAuthenticator.Refused("sign in with a token, not with a session");
    }
    TokenRow token = tokens.authenticatedRow(tokenSecret);
    Caller caller = tokens.callerOf(token);
    Instant now = clock.instant();
    Instant expires = now.plus(LIFETIME);
    if (token.expiresAt() != null && token.expiresAt().isBefore(expires)) {
      expires = token.expiresAt();
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String secret = PREFIX + BASE64.encodeToString(random);
    repository.purgeEnded(now);
    repository.save(new SessionRow(ids.get(), tokens.hash(secret), token.id(), now, expires));
    return new Opened(secret, csrfToken(secret), caller, expires);
  }

  /** The caller a session acts as now; throws {@link TokenAuthenticator.Refused} saying why not. */
  public Caller authenticate(String secret) {
    SessionRow session =
        repository
            .findByHash(tokens.hash(secret))
            .orElseThrow(() -> new TokenAuthenticator.Refused("unknown session: sign in again"));
    if (!clock.instant().isBefore(session.expiresAt())) {
      throw new TokenAuthenticator.Refused(
          "the session ended at " + session.expiresAt() + ": sign in again");
    }
    TokenRow token =
        tokenRows
            .findById(session.tokenId())
            .orElseThrow(() -> new TokenAuthenticator.Refused("unknown session: sign in again"));
    return tokens.callerOf(token);
  }

  /** The token a page of this session sends back with every change it asks for. */
  public String csrfToken(String secret) {
    return BASE64.encodeToString(tokens.hash("csrf\n" + secret));
  }

  /** Whether {@code presented} is this session's CSRF token (compared in constant time). */
  public boolean csrfMatches(String secret, String presented) {
    return presented != null
        && MessageDigest.isEqual(
            csrfToken(secret).getBytes(StandardCharsets.US_ASCII),
            presented.getBytes(StandardCharsets.US_ASCII));
  }

  /** Ends a session (sign out); ending one that is gone already is not an error. */
  public void close(String secret) {
    repository.deleteByHash(tokens.hash(secret));
  }
}
