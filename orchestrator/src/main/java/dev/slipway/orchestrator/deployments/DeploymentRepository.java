package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.Status;
import dev.slipway.orchestrator.targets.TargetDocuments;
import dev.slipway.proto.v1.TargetSpec;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code deployments} table. Called inside {@code Transactions} work, every query is part of
 * that transaction, so a transition, its phases and its outbox events commit together.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface DeploymentRepository extends CrudRepository<DeploymentRow, UUID> {
  String UNFINISHED =
      "status not in ('SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED')";

  /** Holding the target: unfinished and not queued (the partial unique index's predicate). */
  String ACTIVE = UNFINISHED + " and status <> 'QUEUED'";

  /** The newest cursor position: every row comes before it. */
  Instant NEWEST = dev.slipway.orchestrator.paging.KeysetCursor.NEWEST;

  UUID LAST_ID = new UUID(-1L, -1L);

  /** A new deployment, before its first transition, in the trace of the call that created it. */
  default void insert(
      Deployment d,
      TargetSpec spec,
      String idempotencyKey,
      String forceReason,
      @Nullable UUID restoreSetId,
      Instant now,
      @Nullable String traceparent) {
    save(
        new DeploymentRow(
            d.id(),
            d.app(),
            d.environment(),
            d.kind(),
            d.version(),
            d.previousVersion(),
            d.requestedBy(),
            d.targetRevision(),
            TargetDocuments.toJson(spec),
            d.status(),
            d.attempt(),
            d.deadline(),
            d.reason(),
            d.lastSequence(),
            d.backupTaken(),
            idempotencyKey,
            forceReason,
            d.freezeOverrideReason(),
            restoreSetId,
            null,
            null,
            null,
            now,
            now,
            null,
            traceparent,
            d.plan().liveSlot(),
            d.switched(),
            d.step()));
  }

  /** Stores the state a transition reached; a local step's runner holds its lease until then. */
  default void update(Deployment d, Instant now, @Nullable Instant leaseUntil) {
    transition(
        d.id(),
        d.status(),
        d.attempt(),
        d.deadline(),
        d.reason(),
        d.lastSequence(),
        d.backupTaken(),
        d.plan().liveSlot(),
        d.switched(),
        d.step(),
        now,
        d.status().terminal() ? now : null,
        leaseUntil,
        leaseUntil == null ? null : LeaseHolder.SELF.host(),
        leaseUntil == null ? null : LeaseHolder.SELF.process());
  }

  @Query(
      """
      update deployments set status = :status, attempt = :attempt, deadline = :deadline,
        reason = :reason, last_sequence = :lastSequence, backup_taken = :backupTaken,
        live_slot = :liveSlot, switched = :switched, step = :step, updated_at = :now, finished_at = :finishedAt, runner_lease_until = :leaseUntil,
        runner_holder_host = :holderHost, runner_holder_process = :holderProcess
      where id = :id""")
  void transition(
      UUID id,
      Status status,
      int attempt,
      @Nullable Instant deadline,
      String reason,
      long lastSequence,
      boolean backupTaken,
      String liveSlot,
      boolean switched,
      int step,
      Instant now,
      @Nullable Instant finishedAt,
      @Nullable Instant leaseUntil,
      @Nullable String holderHost,
      @Nullable String holderProcess);

  @Query("select * from deployments where id = :id for update")
  Optional<DeploymentRow> lockRow(UUID id);

  @Query("select * from deployments where id = :id for update skip locked")
  Optional<DeploymentRow> lockRowUnlessLocked(UUID id);

  /**
   * The deployment, locked for this transaction; empty too when skipLocked and someone holds it.
   */
  default Optional<StoredDeployment> lock(UUID id, boolean skipLocked) {
    return (skipLocked ? lockRowUnlessLocked(id) : lockRow(id)).map(StoredDeployment::of);
  }

  default Optional<StoredDeployment> find(UUID id) {
    return findById(id).map(StoredDeployment::of);
  }

  Optional<DeploymentRow> findByIdempotencyKey(String idempotencyKey);

  @Query("select * from deployments where app = :app and environment = :environment and " + ACTIVE)
  Optional<DeploymentRow> findActiveRow(String app, String environment);

  /** The deployment holding the target, if any. */
  default Optional<StoredDeployment> findActive(String app, String environment) {
    return findActiveRow(app, environment).map(StoredDeployment::of);
  }

  /** The target's queue, oldest first. */
  @Query(
      """
      select id from deployments where app = :app and environment = :environment
        and status = 'QUEUED' order by created_at, id limit :limit""")
  List<UUID> queued(String app, String environment, int limit);

  @Query(
      """
      select count(*) from deployments where app = :app and environment = :environment
        and status = 'QUEUED'""")
  long queueLength(String app, String environment);

  @Query(
      """
      select id from deployments where app = :app and environment = :environment
        and status = 'QUEUED' order by created_at desc, id desc limit 1""")
  Optional<UUID> lastQueued(String app, String environment);

  /** How many queued deployments of the target are ahead of this one. */
  @Query(
      """
      select count(*) from deployments where app = :app and environment = :environment
        and status = 'QUEUED' and (created_at, id) < (:createdAt, :id)""")
  long queuedAhead(String app, String environment, Instant createdAt, UUID id);

  /** The first of each target's queue when nothing holds the target: a start that was missed. */
  @Query(
      """
      select q.id from deployments q
      where q.status = 'QUEUED'
        and not exists (select 1 from deployments a where a.app = q.app
          and a.environment = q.environment and a.status not in
            ('SUCCEEDED', 'FAILED', 'CANCELLED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'QUEUED'))
        and not exists (select 1 from deployments e where e.app = q.app
          and e.environment = q.environment and e.status = 'QUEUED'
          and (e.created_at, e.id) < (q.created_at, q.id))
      limit 100""")
  List<UUID> queueHeadsOfFreeTargets();

  @Query(
      """
      select version from deployments where app = :app and environment = :environment
        and status = 'SUCCEEDED' and kind <> 'RESTORE' and version <> :except
      order by finished_at desc limit 1""")
  Optional<String> lastGoodVersionOtherThan(String app, String environment, String except);

  /** Deployments whose current phase passed its deadline. */
  @Query(
      "select id from deployments where deadline < :now and "
          + UNFINISHED
          + " order by deadline limit 100")
  List<UUID> pastDeadline(Instant now);

  @Query("update deployments set previous_version = :previousVersion where id = :id")
  void setPreviousVersion(UUID id, String previousVersion);

  /** Deployments held by a freeze: a window deleted or shortened may have let them go. */
  @Query("select id from deployments where status = 'HELD' order by created_at limit 100")
  List<UUID> held();

  /** Deployments in a local phase whose runner stopped renewing its lease. */
  @Query(
      """
      select id from deployments where status in ('DEPLOY', 'SWITCH', 'REVERT')
        and (runner_lease_until is null or runner_lease_until < :now) limit 100""")
  List<UUID> withExpiredRunnerLease(Instant now);

  /** Deployments in a local phase whose runner's lease runs on, held by a process of this host. */
  @Query(
      """
      select id, runner_holder_host as host, runner_holder_process as process from deployments
      where status in ('DEPLOY', 'SWITCH', 'REVERT') and runner_lease_until >= :now
        and runner_holder_host = :host limit 100""")
  List<HeldLease> leasesHeldOnHost(String host, Instant now);

  /** A runner lease that has not run out, and who holds it. */
  @Introspected
  record HeldLease(UUID id, String host, String process) {
    LeaseHolder holder() {
      return new LeaseHolder(host, process);
    }
  }

  @Query(
      """
      update deployments set runner_lease_until = :until,
        runner_holder_host = :holderHost, runner_holder_process = :holderProcess
      where id = :id and attempt = :attempt and status = :status and (:step = 0 or step = :step)""")
  long extendLease(
      UUID id,
      int step,
      int attempt,
      Status status,
      Instant until,
      String holderHost,
      String holderProcess);

  /**
   * Extends the runner lease, held by this process, while the same attempt (of the same canary
   * step, when {@code step} is not 0) still runs; false when it no longer does.
   */
  default boolean renewLease(UUID id, int step, int attempt, Status status, Instant until) {
    return extendLease(
            id, step, attempt, status, until, LeaseHolder.SELF.host(), LeaseHolder.SELF.process())
        == 1;
  }

  /** Records the session the attempt's command runs in, on which host. */
  @Query(
      """
      update deployments set runner_host = :host, runner_session = :session
      where id = :id and attempt = :attempt""")
  void recordRunner(UUID id, int attempt, String host, long session);

  /** Where a command ran: a host (and boot) and the id of its session there. */
  @Introspected
  record RunnerSession(String host, long session) {}

  /** The session an earlier attempt's command ran in, if one was recorded. */
  @Query(
      """
      select runner_host as host, runner_session as session from deployments
      where id = :id and runner_session is not null""")
  Optional<RunnerSession> runner(UUID id);

  /** Keyset pages newest first, one query each filter, so each has its index. */
  @Query(
      """
      select * from deployments where (created_at, id) < (:createdAt, :id)
      order by created_at desc, id desc limit :limit""")
  List<DeploymentRow> pageOfAll(Instant createdAt, UUID id, int limit);

  @Query(
      """
      select * from deployments where app = :app and (created_at, id) < (:createdAt, :id)
      order by created_at desc, id desc limit :limit""")
  List<DeploymentRow> pageOfApp(String app, Instant createdAt, UUID id, int limit);

  @Query(
      """
      select * from deployments where environment = :environment and (created_at, id) < (:createdAt, :id)
      order by created_at desc, id desc limit :limit""")
  List<DeploymentRow> pageOfEnvironment(String environment, Instant createdAt, UUID id, int limit);

  @Query(
      """
      select * from deployments where app = :app and environment = :environment
        and (created_at, id) < (:createdAt, :id)
      order by created_at desc, id desc limit :limit""")
  List<DeploymentRow> pageOfTarget(
      String app, String environment, Instant createdAt, UUID id, int limit);

  /** Any of the filters, each empty for "any"; walks the newest-first index. */
  @Query(
      """
      select * from deployments
      where (:app = '' or app = :app) and (:environment = '' or environment = :environment)
        and (:status = '' or status = :status) and (:requestedBy = '' or requested_by = :requestedBy)
        and (:version = '' or version = :version) and (created_at, id) < (:createdAt, :id)
      order by created_at desc, id desc limit :limit""")
  List<DeploymentRow> pageFiltered(
      String app,
      String environment,
      String status,
      String requestedBy,
      String version,
      Instant createdAt,
      UUID id,
      int limit);
}
