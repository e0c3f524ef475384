package dev.slipway.orchestrator.secrets;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master keyset (Tink AEAD, AES-256-GCM) that encrypts every stored secret, kept in the file
 * {@code SLIPWAY_MASTER_KEY_FILE} (owner-only). Created on first start when the file is missing.
 * Rotation adds a primary key and keeps the old ones, so older ciphertexts stay readable; another
 * replica that meets a ciphertext under a key it has not seen yet reloads the file.
 */
@Singleton
public class MasterKey {
  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
  private final Path file;
  private volatile KeysetHandle keyset;

  public MasterKey(@Value("${slipway.master-key-file}") String file)
      throws GeneralSecurityException, IOException {
    AeadConfig.register();
    this.file = Path.of(file).toAbsolutePath();
    if (!Files.exists(this.file)) {
      write(KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM));
      LOG.warn(
          "created a new master key at {}: keep it safe and back it up; without it no stored secret "
              + "can be read",
          this.file);
    }
    this.keyset = read();
  }

  public byte[] encrypt(byte[] plaintext, String associatedData) {
    try {
      return aead(keyset).encrypt(plaintext, associatedData.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the master key cannot encrypt: " + e.getMessage(), e);
    }
  }

  public byte[] decrypt(byte[] ciphertext, String associatedData) {
    byte[] ad = associatedData.getBytes(StandardCharsets.UTF_8);
    try {
      return aead(keyset).decrypt(ciphertext, ad);
    } catch (GeneralSecurityException notWithTheseKeys) {
      try {
        keyset = read();
        return aead(keyset).decrypt(ciphertext, ad);
      } catch (GeneralSecurityException | IOException e) {
        throw new IllegalStateException(
            "secret '"
                + associatedData
                + "' cannot be decrypted with the master key in "
                + file
                + " (was the key file replaced?)",
            e);
      }
    }
  }

  /** Adds a new primary key to the keyset file; returns its id. */
  public synchronized int rotate() throws GeneralSecurityException, IOException {
    KeysetHandle current = read();
    KeysetHandle rotated =
        KeysetHandle.newBuilder(current)
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM)
                    .withRandomId()
                    .makePrimary())
            .build();
    write(rotated);
    keyset = rotated;
    return rotated.getPrimary().getId();
  }

  private static Aead aead(KeysetHandle keyset) throws GeneralSecurityException {
    return keyset.getPrimitive(RegistryConfiguration.get(), Aead.class);
  }

  private KeysetHandle read() throws GeneralSecurityException, IOException {
    return TinkJsonProtoKeysetFormat.parseKeyset(
        Files.readString(file), InsecureSecretKeyAccess.get());
  }

  /** Writes the keyset owner-only and atomically, so a crash never leaves half a key file. */
  private void write(KeysetHandle handle) throws GeneralSecurityException, IOException {
    Files.createDirectories(file.getParent());
    Path next = file.resolveSibling(file.getFileName() + ".next");
    Files.deleteIfExists(next);
    Files.createFile(
        next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(
        next, TinkJsonProtoKeysetFormat.serializeKeyset(handle, InsecureSecretKeyAccess.get()));
    try {
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the master key file " + file, e);
    }
  }
}
