package dev.slipway.backup.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Backup files: encrypted, written owner-only (0600), hashed with SHA-256 and verified before any
 * restore.
 */
public final class Artifacts {
  private Artifacts() {}

  /** Size and checksum of a written artifact. */
  public record Written(long size, String sha256) {}

  /**
   * Encrypts {@code data} into a new file readable by its owner only; the checksum is of the
   * ciphertext as it lies on disk, so it is verified before anything is decrypted.
   */
  public static Written write(InputStream data, Path file, BackupCipher.Sealer sealer)
      throws IOException {
    Files.createDirectories(
        file.getParent(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    MessageDigest digest = sha256();
    try (OutputStream out =
        sealer.seal(new DigestOutputStream(Files.newOutputStream(file), digest))) {
      data.transferTo(out);
    }
    return new Written(Files.size(file), HexFormat.of().formatHex(digest.digest()));
  }

  /** The SHA-256 of a file as it is on disk now. */
  public static String sha256(Path file) throws IOException {
    MessageDigest digest = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** What is wrong with a stored artifact (missing, unreadable, another checksum), or null. */
  public static String problem(BackupRepository.Artifact artifact) {
    Path file = Path.of(artifact.path());
    if (!Files.exists(file)) {
      return artifact.path() + " is missing";
    }
    try {
      String actual = sha256(file);
      return actual.equals(artifact.sha256())
          ? null
          : artifact.path()
              + " has sha256 "
              + actual
              + " but "
              + artifact.sha256()
              + " was recorded";
    } catch (IOException e) {
      return "cannot read " + artifact.path() + ": " + e.getMessage();
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
