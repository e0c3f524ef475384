package dev.slipway.backup.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import dev.slipway.backup.domain.Item;
import dev.slipway.platform.process.StopSignal;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real tar under real allowed roots: what is outside them is never read, nor written back. */
class FileArchivesTest {
  @TempDir Path root;
  @TempDir Path elsewhere;
  private final UUID setId = UUID.randomUUID();
  private BackupCipher cipher;
  private FileArchives archives;

  @BeforeEach
  void setUp() throws Exception {
    StreamingAeadConfig.register();
    byte[] keyset =
        TinkProtoKeysetFormat.serializeKeyset(
            KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB),
            InsecureSecretKeyAccess.get());
    cipher = new BackupCipher(() -> keyset);
    archives = new FileArchives(root + ", /nonexistent-root");
  }

  @Test
  void aPathOutsideTheAllowedRootsIsRefusedBeforeTarRuns() throws Exception {
    Path secret = Files.writeString(elsewhere.resolve("secret"), "s3cret");
    Path artifact = root.resolve("out.tar.gz");
    Item.Files item = new Item.Files(List.of(root.resolve("app").toString(), secret.toString()));

    assertThatThrownBy(() -> archives.archive(item, artifact, cipher.sealer(setId, 0), unlimited()))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "path "
                + secret
                + " is outside the directories backups may read and restore: "
                + root
                + ", /nonexistent-root (SLIPWAY_BACKUP_ALLOWED_ROOTS)");
    assertThat(artifact).as("nothing was written").doesNotExist();
  }

  @Test
  void aSymbolicLinkInsideARootThatPointsOutsideIsRefused() throws Exception {
    Files.writeString(elsewhere.resolve("secret"), "s3cret");
    Path link = Files.createSymbolicLink(root.resolve("escape"), elsewhere);
    Item.Files item = new Item.Files(List.of(link.resolve("secret").toString()));

    assertThatThrownBy(
            () ->
                archives.archive(
                    item, root.resolve("out.tar.gz"), cipher.sealer(setId, 0), unlimited()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is outside the directories backups may read and restore");
    assertThatThrownBy(() -> archives.restore(item, root.resolve("any.tar.gz"), unlimited()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("is outside the directories backups may read and restore");
  }

  @Test
  void aRestoreWritesBackOnlyThePathsTheItemNames() throws Exception {
    Path app = Files.createDirectories(root.resolve("app"));
    Files.writeString(app.resolve("journal.db"), "before the release");
    Path config = Files.writeString(root.resolve("config.ini"), "debug=false");
    Path artifact = root.resolve("backup.tar.gz");
    archives.archive(
        new Item.Files(List.of(app.toString(), config.toString())),
        artifact,
        cipher.sealer(setId, 0),
        unlimited());

    Files.writeString(app.resolve("journal.db"), "written by the bad release");
    Files.writeString(config, "debug=true");
    Path plain = cipher.decryptBeside(artifact, setId, 0);
    archives.restore(new Item.Files(List.of(app.toString())), plain, unlimited());

    assertThat(app.resolve("journal.db")).hasContent("before the release");
    assertThat(config)
        .as("in the archive, but not named by the item restored")
        .hasContent("debug=true");
  }

  private static StopSignal unlimited() {
    return StopSignal.after(Duration.ofMinutes(1), Clock.systemUTC());
  }
}
