package dev.slipway.backup.store;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import dev.slipway.platform.grpc.OrchestratorClient;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.UUID;

/**
 * Encrypts backup artifacts at rest with Tink's StreamingAead (AES-256-GCM-HKDF, 1 MB segments)
 * under the backup keyset kept in the orchestrator's secret store. Each artifact is bound to its
 * place (set and item) as associated data, so artifacts cannot be swapped between backups.
 */
@Singleton
public class BackupCipher {
  private final KeysetSource keysets;
  private volatile StreamingAead aead;

  /** Where the backup keyset comes from (Tink binary format). */
  @FunctionalInterface
  interface KeysetSource {
    byte[] keyset() throws InterruptedException;
  }

  /** Wraps the stream that lands on disk with one that encrypts into it. */
  @FunctionalInterface
  public interface Sealer {
    OutputStream seal(OutputStream ciphertext) throws IOException;
  }

  @Inject
  public BackupCipher(OrchestratorClient orchestrator) throws GeneralSecurityException {
    this(orchestrator::backupKeyset);
  }

  BackupCipher(KeysetSource keysets) throws GeneralSecurityException {
    this.keysets = keysets;
    StreamingAeadConfig.register();
  }

  public Sealer sealer(UUID setId, int itemIndex) throws IOException, InterruptedException {
    StreamingAead cipher = aead();
    byte[] place = associatedData(setId, itemIndex);
    return ciphertext -> {
      try {
        return cipher.newEncryptingStream(ciphertext, place);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot encrypt the backup: " + e.getMessage(), e);
      }
    };
  }

  /** Where {@link #decryptBeside} writes the plaintext of {@code artifact}. */
  public static Path plainBeside(Path artifact) {
    return artifact.resolveSibling(artifact.getFileName() + ".plain");
  }

  /**
   * Decrypts an artifact into a new owner-only file beside it, for the tools that read files; the
   * caller deletes it. A tampered or misplaced artifact fails here, before anything is restored.
   */
  public Path decryptBeside(Path artifact, UUID setId, int itemIndex)
      throws IOException, InterruptedException {
    Path plain = plainBeside(artifact);
    Files.deleteIfExists(plain);
    Files.createFile(
        plain, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (InputStream in =
            aead()
                .newDecryptingStream(
                    Files.newInputStream(artifact), associatedData(setId, itemIndex));
        OutputStream out = Files.newOutputStream(plain)) {
      in.transferTo(out);
      return plain;
    } catch (GeneralSecurityException | IOException e) {
      Files.deleteIfExists(plain);
      throw new IOException("cannot decrypt " + artifact + ": " + e.getMessage(), e);
    }
  }

  private StreamingAead aead() throws IOException, InterruptedException {
    StreamingAead current = aead;
    if (current == null) {
      try {
        KeysetHandle keyset =
            TinkProtoKeysetFormat.parseKeyset(keysets.keyset(), InsecureSecretKeyAccess.get());
        current = keyset.getPrimitive(RegistryConfiguration.get(), StreamingAead.class);
      } catch (GeneralSecurityException e) {
        throw new IOException(
            "the backup keyset from the orchestrator is not usable: " + e.getMessage(), e);
      } catch (io.grpc.StatusRuntimeException e) {
        throw new IOException(
            "cannot read the backup key from the orchestrator: " + e.getStatus(), e);
      }
      aead = current;
    }
    return current;
  }

  private static byte[] associatedData(UUID setId, int itemIndex) {
    return ("slipway-backup/" + setId + "/" + itemIndex).getBytes(StandardCharsets.UTF_8);
  }
}
