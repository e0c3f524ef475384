package dev.slipway.orchestrator.secrets;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.targets.TargetValidator;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * Named secrets, encrypted under the master key with the name as associated data (a ciphertext
 * copied to another name does not decrypt). Values leave only through {@link #reveal}, to the
 * orchestrator's own steps and to workers for the names their deployment's spec references.
 */
@Singleton
public class SecretStore {
  public static final int MAX_VALUE_BYTES = 64 * 1024;
  private final SecretRepository repository;
  private final MasterKey masterKey;
  private final Clock clock;

  /** The outcome of a master-key rotation. */
  public record Rotation(int primaryKeyId, int reencrypted) {}

  public SecretStore(SecretRepository repository, MasterKey masterKey, Clock clock) {
    this.repository = repository;
    this.masterKey = masterKey;
    this.clock = clock;
  }

  public SecretRow set(String name, byte[] value, String actor) {
    if (name.isEmpty() || !TargetValidator.NAME.matcher(name).matches()) {
      throw new InvalidInput(
          "name",
          name.isEmpty()
              ? "is required"
              : "'" + printable(name) + "' must be lowercase letters, digits and '-', at most 63");
    }
    if (value.length == 0 || value.length > MAX_VALUE_BYTES) {
      throw new InvalidInput("value", "must be 1 to " + MAX_VALUE_BYTES + " bytes");
    }
    repository.upsert(name, masterKey.encrypt(value, name), clock.instant(), actor);
    return repository.findById(name).orElseThrow();
  }

  public List<SecretRow> list() {
    return repository.listNamed();
  }

  public SecretRow delete(String name) {
    SecretRow row = find(name);
    repository.deleteById(name);
    return row;
  }

  /** Whether a secret of this name is set. */
  public boolean exists(String name) {
    return repository.findById(name).isPresent();
  }

  /** The value of a secret; only for the steps and workers that use it, never for an API answer. */
  public byte[] reveal(String name) {
    SecretRow row = find(name);
    return masterKey.decrypt(row.ciphertext(), row.name());
  }

  /**
   * One of Slipway's own keys (a name with a colon), created from {@code generate} on first use.
   */
  public byte[] ownKey(String name, Supplier<byte[]> generate) {
    if (repository.findById(name).isEmpty()) {
      repository.insertIfAbsent(
          name, masterKey.encrypt(generate.get(), name), clock.instant(), "slipway");
    }
    return reveal(name);
  }

  /** Adds a new primary master key and re-encrypts every stored value under it. */
  public Rotation rotateMasterKey() {
    int primary;
    try {
      primary = masterKey.rotate();
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot rotate the master key: " + e.getMessage(), e);
    }
    int reencrypted = 0;
    for (SecretRow row : repository.findAll()) {
      byte[] value = masterKey.decrypt(row.ciphertext(), row.name());
      reencrypted +=
          (int)
              repository.reencrypt(row.name(), masterKey.encrypt(value, row.name()), row.version());
    }
    return new Rotation(primary, reencrypted);
  }

  private SecretRow find(String name) {
    return repository
        .findById(name)
        .orElseThrow(
            () ->
                new NotFound(
                    "no secret '"
                        + printable(name)
                        + "'; store it with: slipway secret set "
                        + printable(name)));
  }

  private static String printable(String text) {
    String cut = text.length() > 80 ? text.substring(0, 80) + "…" : text;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }
}
