package dev.slipway.backup;

import dev.slipway.backup.domain.Item;
import dev.slipway.backup.store.Artifacts;
import dev.slipway.backup.store.BackupCipher;
import dev.slipway.backup.store.BackupRepository;
import dev.slipway.backup.store.BackupRepository.Artifact;
import dev.slipway.backup.store.BackupSetRow;
import dev.slipway.backup.store.FileArchives;
import dev.slipway.backup.store.PostgresTools;
import dev.slipway.backup.store.Secrets;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.proto.v1.ArtifactVerification;
import dev.slipway.proto.v1.BackupItem;
import dev.slipway.proto.v1.TableRows;
import dev.slipway.proto.v1.VerifyBackupSetResponse;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Proves a backup set can be restored without touching what it would restore into: each artifact
 * re-hashed against its recorded checksum, decrypted (which authenticates every byte), listed by
 * the tool that would restore it, and, when deep, a database dump restored into a scratch database
 * whose rows are counted before it is dropped.
 */
@Singleton
public class BackupVerifier {
  private final BackupRepository repository;
  private final BackupCipher cipher;
  private final PostgresTools postgres;
  private final FileArchives files;
  private final Secrets secrets;
  private final OrchestratorClient orchestrator;

  public BackupVerifier(
      BackupRepository repository,
      BackupCipher cipher,
      PostgresTools postgres,
      FileArchives files,
      Secrets secrets,
      OrchestratorClient orchestrator) {
    this.repository = repository;
    this.cipher = cipher;
    this.postgres = postgres;
    this.files = files;
    this.secrets = secrets;
    this.orchestrator = orchestrator;
  }

  public VerifyBackupSetResponse verify(BackupSetRow set, boolean deep, StopSignal stop)
      throws InterruptedException {
    VerifyBackupSetResponse.Builder response = VerifyBackupSetResponse.newBuilder().setIntact(true);
    List<BackupItem> items = null;
    for (Artifact artifact : repository.artifacts(set.id())) {
      ArtifactVerification.Builder result =
          ArtifactVerification.newBuilder()
              .setItemIndex(artifact.itemIndex())
              .setSource(artifact.source())
              .setPath(artifact.path());
      boolean needsItem = deep && artifact.type().equals("postgres");
      if (needsItem && items == null) {
        // The item as the deployment's pinned spec names it, for its server and password.
        items =
            orchestrator
                .stepContext(set.deploymentId().toString())
                .getSpec()
                .getBackup()
                .getItemsList();
      }
      check(set, artifact, needsItem ? items.get(artifact.itemIndex()) : null, result, stop);
      response.setIntact(response.getIntact() && result.getIntact()).addArtifacts(result);
    }
    return response.build();
  }

  private void check(
      BackupSetRow set,
      Artifact artifact,
      BackupItem deepItem,
      ArtifactVerification.Builder result,
      StopSignal stop)
      throws InterruptedException {
    String problem = Artifacts.problem(artifact);
    if (problem != null) {
      result.setIntact(false).setDetail(problem);
      return;
    }
    Path plain = null;
    try {
      plain = cipher.decryptBeside(Path.of(artifact.path()), set.id(), artifact.itemIndex());
      if (artifact.type().equals("postgres")) {
        result.setEntries(
            (int) postgres.toc(plain, stop).lines().filter(l -> !l.startsWith(";")).count());
      } else {
        result.setEntries(files.entries(plain, stop));
      }
      String detail =
          "sha256 " + artifact.sha256() + " matches; " + result.getEntries() + " entries";
      if (deepItem != null) {
        Item.Postgres db = (Item.Postgres) BackupWorker.item(deepItem);
        Map<String, Long> rows =
            postgres.restoreIntoScratch(db, secrets.password(set.deploymentId(), db), plain, stop);
        rows.forEach(
            (table, count) ->
                result.addTables(TableRows.newBuilder().setTable(table).setRows(count)));
        detail += "; restored into a scratch database: " + rows.size() + " table(s)";
      }
      result.setIntact(true).setDetail(detail);
    } catch (IOException e) {
      result.setIntact(false).setDetail(e.getMessage());
    } finally {
      BackupWorker.deletePlaintext(plain);
    }
  }
}
