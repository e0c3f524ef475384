package dev.slipway.backup;

import dev.slipway.backup.domain.Item;
import dev.slipway.backup.domain.RestoreOutcome;
import dev.slipway.backup.domain.SetKind;
import dev.slipway.backup.domain.SetStatus;
import dev.slipway.backup.store.Artifacts;
import dev.slipway.backup.store.BackupCipher;
import dev.slipway.backup.store.BackupRepository;
import dev.slipway.backup.store.BackupRepository.Artifact;
import dev.slipway.backup.store.BackupSetRow;
import dev.slipway.backup.store.DbPassword;
import dev.slipway.backup.store.FileArchives;
import dev.slipway.backup.store.PostgresTools;
import dev.slipway.backup.store.RestoreRepository;
import dev.slipway.backup.store.RestoreRow;
import dev.slipway.backup.store.Secrets;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.platform.spec.PostgresUrl;
import dev.slipway.platform.worker.PhaseJob;
import dev.slipway.platform.worker.PhaseWorker;
import dev.slipway.proto.internal.v1.Evidence;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.v1.BackupItem;
import dev.slipway.proto.v1.Phase;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BACKUP before a deploy, SNAPSHOT of the failed release's state before a restore overwrites it,
 * and RESTORE of the pre-deploy backup, every checksum verified before anything is touched.
 */
@Singleton
public class BackupWorker implements PhaseWorker {
  private static final Logger LOG = LoggerFactory.getLogger(BackupWorker.class);
  private final BackupRepository repository;
  private final RestoreRepository restores;
  private final Clock clock;
  private final PostgresTools postgres;
  private final FileArchives files;
  private final Secrets secrets;
  private final BackupCipher cipher;
  private final Path backupDir;
  private final Supplier<UUID> ids;
  private final Pruner pruner;
  private final LossReport losses;
  private final ProgressReports progress;
  private final MeterRegistry meters;

  public BackupWorker(
      BackupRepository repository,
      RestoreRepository restores,
      PostgresTools postgres,
      FileArchives files,
      Secrets secrets,
      BackupCipher cipher,
      Clock clock,
      Supplier<UUID> ids,
      Pruner pruner,
      LossReport losses,
      ProgressReports progress,
      MeterRegistry meters,
      @Value("${slipway.backup.dir}") String backupDir) {
    this.meters = meters;
    this.progress = progress;
    this.pruner = pruner;
    this.losses = losses;
    this.repository = repository;
    this.restores = restores;
    this.clock = clock;
    this.ids = ids;
    this.postgres = postgres;
    this.files = files;
    this.secrets = secrets;
    this.cipher = cipher;
    this.backupDir = Path.of(backupDir).toAbsolutePath();
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(Phase.PHASE_BACKUP, Phase.PHASE_SNAPSHOT, Phase.PHASE_RESTORE);
  }

  @Override
  public Result run(PhaseJob job, StepContext deployment, StopSignal stop)
      throws InterruptedException {
    List<Item> items =
        deployment.getSpec().getBackup().getItemsList().stream().map(BackupWorker::item).toList();
    try (ProgressReports.Tracker tracker = progress.start(job, stop)) {
      return switch (job.phase()) {
        case PHASE_BACKUP -> backup(deployment, items, SetKind.BACKUP, tracker, stop);
        case PHASE_SNAPSHOT -> backup(deployment, items, SetKind.SNAPSHOT, tracker, stop);
        case PHASE_RESTORE -> restore(deployment, items, tracker, stop);
        default -> Result.errored("backup-service does not run " + job.phase());
      };
    }
  }

  private Result backup(
      StepContext deployment,
      List<Item> items,
      SetKind kind,
      ProgressReports.Tracker tracker,
      StopSignal stop)
      throws InterruptedException {
    String app = deployment.getTarget().getApp();
    String environment = deployment.getTarget().getEnvironment();
    UUID setId = ids.get();
    Path dir = backupDir.resolve(app).resolve(environment).resolve(setId.toString());
    UUID deploymentId = UUID.fromString(deployment.getDeploymentId());
    repository.save(
        new BackupSetRow(
            setId,
            deploymentId,
            app,
            environment,
            kind,
            SetStatus.RUNNING,
            "",
            clock.instant(),
            null,
            null));
    try {
      List<Evidence> evidence = new ArrayList<>();
      long total = 0;
      for (int i = 0; i < items.size(); i++) {
        Item item = items.get(i);
        Path file = dir.resolve(i + "-" + type(item) + "." + item.extension());
        tracker.watch(
            item.source() + " written to the " + kind.name().toLowerCase(Locale.ROOT), file);
        try {
          BackupCipher.Sealer sealer = cipher.sealer(setId, i);
          Artifacts.Written written;
          if (item instanceof Item.Postgres db) {
            DbPassword password = secrets.password(deploymentId, db);
            // Counted just before the dump, so the dump holds at least what the counts say.
            losses.countTables(setId, i, db, password);
            written = postgres.dump(db, password, file, sealer, stop);
          } else {
            written = files.archive((Item.Files) item, file, sealer, stop);
          }
          repository.addArtifact(
              setId,
              i,
              type(item),
              item.source(),
              file.toString(),
              written.size(),
              written.sha256());
          evidence.add(
              Evidence.newBuilder()
                  .setName(item.source())
                  .setPassed(true)
                  .setDetail(written.size() + " bytes, sha256 " + written.sha256())
                  .build());
          total += written.size();
          meters
              .counter(
                  "slipway.backup.bytes",
                  "kind",
                  kind.name().toLowerCase(Locale.ROOT),
                  "type",
                  type(item))
              .increment(written.size());
        } catch (IOException e) {
          String summary = kind + " of " + item.source() + " failed: " + e.getMessage();
          repository.update(setId, SetStatus.FAILED, summary, clock.instant());
          evidence.add(
              Evidence.newBuilder()
                  .setName(item.source())
                  .setPassed(false)
                  .setDetail(e.getMessage())
                  .build());
          return Result.of(false, summary, evidence);
        }
      }
      var stopped = stop.reason();
      if (stopped.isPresent()) {
        // Never COMPLETE, so retention cannot let it push out an older good backup.
        String summary = kind + " stopped: " + stopped.get();
        repository.update(setId, SetStatus.FAILED, summary, clock.instant());
        return Result.of(false, summary, evidence);
      }
      String summary =
          kind.name().toLowerCase(Locale.ROOT)
              + " "
              + setId
              + ": "
              + items.size()
              + " item(s), "
              + total
              + " bytes in "
              + dir;
      repository.update(setId, SetStatus.COMPLETE, summary, clock.instant());
      try {
        // Deleting is this job's to do only while it still holds the job.
        if (!stop.leaseLost()) {
          pruner.prune(app, environment, false, stop);
        }
      } catch (RuntimeException e) {
        // The backup is taken; retention runs again after the next one.
        LOG.warn("retention of {}/{} could not run now: {}", app, environment, e.getMessage());
      }
      return Result.of(true, summary, evidence);
    } catch (RuntimeException e) {
      // Never COMPLETE, so never restored nor counted; the job's retry takes a set of its own.
      abandon(setId, dir, e);
      throw e;
    }
  }

  private Result restore(
      StepContext deployment, List<Item> items, ProgressReports.Tracker tracker, StopSignal stop)
      throws InterruptedException {
    UUID deploymentId = UUID.fromString(deployment.getDeploymentId());
    Optional<BackupSetRow> backup;
    if (deployment.getRestoreSetId().isEmpty()) {
      backup =
          repository.findFirstByDeploymentIdAndKindAndStatusOrderByCreatedAtDesc(
              deploymentId, SetKind.BACKUP, SetStatus.COMPLETE);
      if (backup.isEmpty()) {
        return Result.failed(
            "no complete pre-deploy backup of deployment " + deploymentId + " to restore");
      }
    } else {
      backup = repository.findById(UUID.fromString(deployment.getRestoreSetId()));
      String refused = RestoreChecks.namedSet(deployment, backup);
      if (refused != null) {
        return Result.failed(refused);
      }
    }
    var set = backup.map(BackupSetRow::id);
    List<Artifact> artifacts = repository.artifacts(set.get());
    List<Evidence> evidence = new ArrayList<>();
    for (Artifact artifact : artifacts) {
      String problem = RestoreChecks.mismatch(artifact, items);
      if (problem == null) {
        problem = Artifacts.problem(artifact);
      }
      if (problem != null) {
        String summary = "refusing to restore backup " + set.get() + ": " + problem;
        recordRestore(deploymentId, set.get(), RestoreOutcome.REFUSED, summary);
        return Result.failed(summary);
      }
    }
    List<String> lost = new ArrayList<>();
    for (Artifact artifact : artifacts) {
      if (items.get(artifact.itemIndex()) instanceof Item.Postgres db) {
        Evidence loss = losses.estimate(deploymentId, backup.get(), artifact.itemIndex(), db);
        LOG.info("{}", loss.getDetail());
        evidence.add(loss);
        lost.add(loss.getDetail());
      }
    }
    for (Artifact artifact : artifacts) {
      Item item = items.get(artifact.itemIndex());
      Path plain = null;
      tracker.watch(
          item.source() + " decrypted for the restore",
          BackupCipher.plainBeside(Path.of(artifact.path())));
      try {
        plain = cipher.decryptBeside(Path.of(artifact.path()), set.get(), artifact.itemIndex());
        switch (item) {
          case Item.Postgres db ->
              postgres.restore(db, secrets.password(deploymentId, db), plain, stop);
          case Item.Files paths -> files.restore(paths, plain, stop);
        }
        evidence.add(
            Evidence.newBuilder()
                .setName(item.source())
                .setPassed(true)
                .setDetail("restored from " + artifact.path() + " (sha256 verified)")
                .build());
      } catch (IOException e) {
        String summary =
            "restore of "
                + item.source()
                + " from backup "
                + set.get()
                + " failed: "
                + e.getMessage();
        recordRestore(deploymentId, set.get(), RestoreOutcome.FAILED, summary);
        return Result.of(false, summary, evidence);
      } finally {
        deletePlaintext(plain);
      }
    }
    String summary =
        "restored backup "
            + set.get()
            + ": "
            + artifacts.size()
            + " item(s), checksums verified"
            + lost.stream().map(l -> "; " + l).collect(java.util.stream.Collectors.joining());
    recordRestore(deploymentId, set.get(), RestoreOutcome.SUCCEEDED, summary);
    return Result.of(true, summary, evidence);
  }

  /**
   * The restore's history row. Losing it must not make the job run the restore again, so a failure
   * here is logged, not thrown.
   */
  private void recordRestore(
      UUID deploymentId, UUID setId, RestoreOutcome outcome, String summary) {
    Instant now = clock.instant();
    try {
      restores.save(new RestoreRow(null, deploymentId, setId, outcome, summary, now, now));
    } catch (RuntimeException e) {
      LOG.warn("restore of set {} ({}) not recorded: {}", setId, outcome, e.getMessage());
    }
  }

  private void abandon(UUID setId, Path dir, RuntimeException failure) {
    try {
      repository.update(
          setId, SetStatus.FAILED, "stopped: " + failure.getMessage(), clock.instant());
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      LOG.warn("cannot delete the unfinished backup files in {}: {}", dir, e.getMessage());
    }
  }

  /** Deletes a decrypted copy; one that cannot be deleted is logged as an error. */
  static void deletePlaintext(Path plain) {
    try {
      if (plain != null) {
        Files.deleteIfExists(plain);
      }
    } catch (IOException e) {
      LOG.error("cannot delete the decrypted restore input {}: {}", plain, e.getMessage());
    }
  }

  private static String type(Item item) {
    return switch (item) {
      case Item.Postgres db -> "postgres";
      case Item.Files paths -> "files";
    };
  }

  static Item item(BackupItem spec) {
    return switch (spec.getType()) {
      case "postgres" -> {
        PostgresUrl url =
            PostgresUrl.parse(spec.getUrl())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "backup url is not postgresql://user@host:port/db"));
        yield new Item.Postgres(
            url.user(), url.host(), url.port(), url.database(), spec.getPasswordSecret());
      }
      case "files" -> new Item.Files(spec.getPathsList());
      default ->
          throw new IllegalArgumentException("unknown backup item type '" + spec.getType() + "'");
    };
  }
}
