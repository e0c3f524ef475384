package dev.slipway.backup;

import dev.slipway.backup.domain.Retention;
import dev.slipway.backup.domain.Retention.Candidate;
import dev.slipway.backup.domain.Retention.Policy;
import dev.slipway.backup.domain.SetKind;
import dev.slipway.backup.domain.SetStatus;
import dev.slipway.backup.store.BackupRepository;
import dev.slipway.backup.store.BackupRepository.Artifact;
import dev.slipway.backup.store.BackupSetRow;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.proto.internal.v1.RetentionContext;
import dev.slipway.proto.internal.v1.RetentionHold;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a target's retention to its complete sets, each kind on its own: the policy of the
 * target's current spec, and the deployments the orchestrator says must keep theirs.
 */
@Singleton
public class Pruner {
  private static final Logger LOG = LoggerFactory.getLogger(Pruner.class);
  private static final int DEFAULT_KEEP = 10;
  private final BackupRepository repository;
  private final OrchestratorClient orchestrator;
  private final Clock clock;

  /** One set and what retention decided for it. */
  public record Pruned(BackupSetRow set, boolean kept, String why) {}

  /** Every set considered, newest first, and the policy applied. */
  public record Result(List<Pruned> sets, Policy policy) {}

  public Pruner(BackupRepository repository, OrchestratorClient orchestrator, Clock clock) {
    this.repository = repository;
    this.orchestrator = orchestrator;
    this.clock = clock;
  }

  /**
   * Decides, and unless {@code dryRun} deletes the sets that go (files first, then the row); no set
   * is deleted once {@code stop} fires (the job's lease lost, the caller gone).
   */
  public Result prune(String app, String environment, boolean dryRun, StopSignal stop)
      throws InterruptedException {
    RetentionContext context = orchestrator.retention(app, environment);
    Policy policy = policy(context);
    Map<UUID, String> held =
        context.getHoldsList().stream()
            .collect(
                Collectors.toMap(
                    h ->
                        UUID.fromString(
                            h.getSetId().isEmpty() ? h.getDeploymentId() : h.getSetId()),
                    RetentionHold::getReason,
                    (a, b) -> a + "; " + b));
    List<Pruned> decided = new ArrayList<>();
    for (SetKind kind : SetKind.values()) {
      List<BackupSetRow> complete =
          repository.findByAppAndEnvironmentAndKindAndStatusOrderByCreatedAtDesc(
              app, environment, kind, SetStatus.COMPLETE);
      Map<UUID, BackupSetRow> rows =
          complete.stream().collect(Collectors.toMap(BackupSetRow::id, Function.identity()));
      List<Candidate> candidates =
          complete.stream()
              .map(r -> new Candidate(r.id(), r.deploymentId(), r.createdAt()))
              .toList();
      for (Retention.Verdict verdict : Retention.decide(candidates, policy, held)) {
        BackupSetRow row = rows.get(verdict.set().id());
        if (!verdict.kept() && !dryRun && !stop.stopped()) {
          delete(row, verdict.why());
        }
        decided.add(new Pruned(row, verdict.kept(), verdict.why()));
      }
    }
    decided.sort(Comparator.comparing((Pruned p) -> p.set().createdAt()).reversed());
    return new Result(decided, policy);
  }

  private void delete(BackupSetRow set, String why) {
    for (Artifact artifact : repository.artifacts(set.id())) {
      try {
        Files.deleteIfExists(Path.of(artifact.path()));
      } catch (IOException e) {
        LOG.warn("cannot delete expired backup file {}: {}", artifact.path(), e.getMessage());
      }
    }
    repository.markDeleted(set.id(), "expired: " + why, clock.instant());
  }

  private static Policy policy(RetentionContext context) {
    if (context.hasRetention()) {
      var r = context.getRetention();
      return new Policy(r.getLast(), r.getDaily(), r.getWeekly(), r.getMonthly());
    }
    return Policy.keepLast(context.getKeep() == 0 ? DEFAULT_KEEP : context.getKeep());
  }
}
