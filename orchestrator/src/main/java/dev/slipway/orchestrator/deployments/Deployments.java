package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Decision;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.DeploymentEvent;
import dev.slipway.orchestrator.domain.DeploymentMachine;
import dev.slipway.orchestrator.domain.Freeze;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.domain.Outcome;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.domain.Plan;
import dev.slipway.orchestrator.domain.Status;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.orchestrator.gates.ApprovalRepository;
import dev.slipway.orchestrator.gates.Freezes;
import dev.slipway.orchestrator.ledger.Ledger;
import dev.slipway.orchestrator.outbox.CommitSignal;
import dev.slipway.orchestrator.outbox.EventLog;
import dev.slipway.orchestrator.quarantine.Quarantine;
import dev.slipway.orchestrator.targets.PlanFactory;
import dev.slipway.orchestrator.targets.StoredTarget;
import dev.slipway.orchestrator.targets.TargetRepository;
import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.TargetKey;
import dev.slipway.platform.logging.DeploymentLog;
import dev.slipway.platform.tracing.Tracing;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Applies the state machine: every input is one transaction that locks the deployment, decides,
 * stores the new state, records phases, approvals and the ledger, and appends the events (the
 * outbox). A deployment that frees its target starts the next queued one in the same transaction.
 * Local steps start only after the commit.
 */
@Singleton
public class Deployments {
  private static final String UNIQUE_VIOLATION = "23505";

  /** Where a freeze can stop a deployment: before its first phase and before DEPLOY. */
  private static final Set<Status> FREEZE_MATTERS =
      EnumSet.of(
          Status.REQUESTED,
          Status.QUEUED,
          Status.AWAITING_APPROVAL,
          Status.HELD,
          Status.PREFLIGHT,
          Status.BACKUP);

  private final Transactions transactions;
  private final DeploymentRepository deployments;
  private final PhaseRepository phases;
  private final ApprovalRepository approvals;
  private final Quarantine quarantine;
  private final Freezes freezes;
  private final Ledger ledger;
  private final TargetRepository targets;
  private final EventLog eventLog;
  private final DeploymentMetrics metrics;
  private final CommitSignal signal;
  private final Provider<LocalSteps> localSteps;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final Duration runnerLease;

  public Deployments(
      Transactions transactions,
      DeploymentRepository deployments,
      PhaseRepository phases,
      ApprovalRepository approvals,
      Quarantine quarantine,
      Freezes freezes,
      Ledger ledger,
      TargetRepository targets,
      EventLog eventLog,
      DeploymentMetrics metrics,
      CommitSignal signal,
      Provider<LocalSteps> localSteps,
      Clock clock,
      Supplier<UUID> ids,
      @Value("${slipway.runner-lease:30s}") Duration runnerLease) {
    this.transactions = transactions;
    this.deployments = deployments;
    this.phases = phases;
    this.approvals = approvals;
    this.quarantine = quarantine;
    this.freezes = freezes;
    this.ledger = ledger;
    this.targets = targets;
    this.eventLog = eventLog;
    this.metrics = metrics;
    this.signal = signal;
    this.localSteps = localSteps;
    this.clock = clock;
    this.ids = ids;
    this.runnerLease = runnerLease;
  }

  /**
   * What to deploy, as asked.
   *
   * @param forceReason why a quarantined (or, for a rollback, unknown) version goes anyway; empty
   *     when not forced
   * @param queue wait behind the target's active deployment instead of being refused
   * @param freezeOverrideReason why it may run inside freeze windows; empty when it may not
   * @param restoreSet for a RESTORE, the backup set it puts back
   */
  public record Request(
      String app,
      String environment,
      String version,
      Kind kind,
      String idempotencyKey,
      String requestedBy,
      String forceReason,
      boolean queue,
      String freezeOverrideReason,
      Optional<UUID> restoreSet) {

    /** A request that overrides no gate and does not queue. */
    public Request(
        String app,
        String environment,
        String version,
        Kind kind,
        String idempotencyKey,
        String requestedBy) {
      this(
          app,
          environment,
          version,
          kind,
          idempotencyKey,
          requestedBy,
          "",
          false,
          "",
          Optional.empty());
    }

    boolean forced() {
      return !forceReason.isEmpty();
    }
  }

  /** Starts a deployment, or returns the one this idempotency key already started. */
  public StoredDeployment create(Request request) {
    try {
      return createOnce(request);
    } catch (DatabaseException e) {
      if (!UNIQUE_VIOLATION.equals(e.sqlState())) {
        throw e;
      }
      // A concurrent request won the race; this time the checks below see its row.
      return createOnce(request);
    } catch (Refused busy) {
      // The target may be busy with this very request, committed by a retry racing it after this
      // one looked its key up: then it is the answer.
      Optional<StoredDeployment> same =
          transactions.read(
              c ->
                  deployments
                      .findByIdempotencyKey(request.idempotencyKey())
                      .map(StoredDeployment::of));
      if (same.isEmpty()) {
        throw busy;
      }
      return CreateChecks.sameRequest(same.get(), request);
    }
  }

  private StoredDeployment createOnce(Request request) {
    List<Runnable> effects = new ArrayList<>();
    StoredDeployment created =
        transactions.inTransaction(
            tx -> {
              Optional<StoredDeployment> earlier =
                  deployments
                      .findByIdempotencyKey(request.idempotencyKey())
                      .map(StoredDeployment::of);
              if (earlier.isPresent()) {
                return CreateChecks.sameRequest(earlier.get(), request);
              }
              StoredTarget target =
                  targets
                      .find(request.app(), request.environment())
                      .orElseThrow(() -> CreateChecks.noTarget(request));
              Instant now = clock.instant();
              Optional<Freeze> freeze = Optional.empty();
              if (request.kind() == Kind.RESTORE) {
                CreateChecks.restorable(request, target);
              }
              if (request.kind() == Kind.DEPLOY) {
                quarantine.admit(
                    request.app(), request.environment(), request.version(), request.forced());
                freeze = freezes.inForce(request.environment(), now);
                if (freeze.isPresent() && request.freezeOverrideReason().isEmpty()) {
                  throw CreateChecks.frozen(request, freeze.get());
                }
              }
              UUID id = ids.get();
              Optional<Input.Queue> behind = placeInLine(tx, request, id, now, effects);
              String previous = target.currentVersion();
              // A restore changes data, not code: it runs under the version running now.
              String version = request.kind() == Kind.RESTORE ? previous : request.version();
              Deployment requested =
                  Deployment.requested(
                      id,
                      request.app(),
                      request.environment(),
                      request.kind(),
                      version,
                      previous,
                      request.requestedBy(),
                      target.revision(),
                      PlanFactory.plan(target.spec(), previous, target.currentSlot()),
                      request.freezeOverrideReason());
              Input first = behind.<Input>map(queue -> queue).orElse(new Input.Start());
              Transition start =
                  (Transition) DeploymentMachine.decide(requested, first, now, freeze);
              // Inserted as it stands after its first transition: a queued row never holds the
              // target, not even for the moment a REQUESTED row would.
              deployments.insert(
                  start.next(),
                  target.spec(),
                  request.idempotencyKey(),
                  request.forceReason(),
                  request.restoreSet().orElse(null),
                  now,
                  Tracing.currentTraceparent().orElse(null));
              store(tx, requested, start, now, effects, true);
              return deployments.find(id).orElseThrow();
            });
    effects.forEach(Runnable::run);
    return created;
  }

  /**
   * Makes room for a new deployment: supersedes one still awaiting approval, or says whom the new
   * one queues behind; a busy target without {@code queue} refuses it.
   */
  private Optional<Input.Queue> placeInLine(
      Connection tx, Request request, UUID id, Instant now, List<Runnable> effects)
      throws SQLException {
    Optional<StoredDeployment> active =
        deployments.findActive(request.app(), request.environment());
    // A restore never takes a waiting release's place: it is not a newer release.
    if (active.isPresent()
        && request.kind() != Kind.RESTORE
        && waitsForPeople(active.get().deployment().status())) {
      // Locked, it may have moved on since it was read: approved, rejected, its freeze over.
      Deployment older =
          deployments.lock(active.get().deployment().id(), false).orElseThrow().deployment();
      if (waitsForPeople(older.status())) {
        String why =
            "superseded by deployment "
                + id
                + " of version "
                + request.version()
                + " (requested by "
                + request.requestedBy()
                + ")";
        Transition cancel =
            (Transition) DeploymentMachine.decide(older, new Input.Cancel(why), now);
        // The newer deployment takes the target over: the queue behind it keeps waiting.
        store(tx, older, cancel, now, effects, false);
      }
      active = deployments.findActive(request.app(), request.environment());
    }
    long waiting = deployments.queueLength(request.app(), request.environment());
    if (active.isEmpty() && (!request.queue() || waiting == 0)) {
      return Optional.empty();
    }
    if (!request.queue()) {
      throw CreateChecks.busy(request, active.get().deployment());
    }
    Optional<UUID> last = deployments.lastQueued(request.app(), request.environment());
    UUID behind = last.isPresent() ? last.get() : active.get().deployment().id();
    return Optional.of(new Input.Queue(behind.toString(), (int) waiting + 1));
  }

  /**
   * A release waiting for approval or for a freeze to end gives way to a newer request, so that
   * waits never pile up and a manual rollback is never stuck behind a frozen release.
   */
  private static boolean waitsForPeople(Status status) {
    return status == Status.AWAITING_APPROVAL || status == Status.HELD;
  }

  /**
   * A manual rollback: a new deployment of kind ROLLBACK to {@code toVersion} or the last good one.
   * A named version must be one the ledger shows ran on the target, unless forced with a reason.
   */
  public StoredDeployment rollback(
      String app, String environment, String toVersion, String key, String by, String force) {
    String version =
        transactions.read(
            c -> {
              StoredTarget target =
                  targets
                      .find(app, environment)
                      .orElseThrow(() -> new NotFound("no target " + app + "/" + environment));
              if (!toVersion.isEmpty()) {
                if (force.isEmpty() && !ledger.ran(app, environment, toVersion)) {
                  throw CreateChecks.neverRan(
                      app, environment, toVersion, ledger.versions(app, environment, 20));
                }
                return toVersion;
              }
              return deployments
                  .lastGoodVersionOtherThan(app, environment, target.currentVersion())
                  .orElseThrow(
                      () ->
                          new Refused(
                              "target "
                                  + app
                                  + "/"
                                  + environment
                                  + " has no earlier good version to roll back to; name one with"
                                  + " --to"));
            });
    return create(
        new Request(
            app, environment, version, Kind.ROLLBACK, key, by, force, false, "", Optional.empty()));
  }

  /**
   * A restore on demand: a new deployment of kind RESTORE that snapshots the target's data, then
   * puts back {@code set}, which the caller has checked is a complete set of this target holding
   * data of {@code dataVersion}. The code stays as it is, so the deployment follows the version
   * running now; unless {@code forceReason} says why, that must be the set's data version.
   */
  public StoredDeployment restore(
      String app,
      String environment,
      UUID set,
      String dataVersion,
      String key,
      String by,
      String forceReason) {
    return create(
        new Request(
            app,
            environment,
            dataVersion,
            Kind.RESTORE,
            key,
            by,
            forceReason,
            false,
            "",
            Optional.of(set)));
  }

  /**
   * The version whose data a set of deployment {@code takenBy} holds: a SNAPSHOT, that of the
   * version the deployment put in place; a BACKUP, that of the version running before it. Empty
   * when the deployment is not known.
   */
  public String dataVersion(UUID takenBy, boolean snapshot) {
    return transactions
        .read(c -> deployments.find(takenBy))
        .map(StoredDeployment::deployment)
        .map(d -> snapshot ? d.version() : d.previousVersion())
        .orElse("");
  }

  /** The deployment an idempotency key already started, if any. */
  public Optional<StoredDeployment> started(String idempotencyKey) {
    return transactions.read(
        c -> deployments.findByIdempotencyKey(idempotencyKey).map(StoredDeployment::of));
  }

  /**
   * Feeds one input to a deployment. Returns the decision; a {@link Decision.Refused} is thrown as
   * {@link Refused}. With {@code skipLocked}, a deployment another transaction holds is left alone.
   */
  public Decision apply(UUID id, Input input, boolean skipLocked) {
    try (DeploymentLog log = DeploymentLog.scope(id, null)) {
      return applyLogged(id, input, skipLocked);
    }
  }

  private Decision applyLogged(UUID id, Input input, boolean skipLocked) {
    List<Runnable> effects = new ArrayList<>();
    Decision decision =
        transactions.inTransaction(
            tx -> {
              Optional<StoredDeployment> locked = deployments.lock(id, skipLocked);
              if (locked.isEmpty()) {
                if (skipLocked) {
                  return new Decision.Ignored("held by another replica");
                }
                throw new NotFound("no deployment " + id);
              }
              Instant now = clock.instant();
              Deployment before = withApprovals(locked.get().deployment());
              DeploymentLog.target(TargetKey.of(before.app(), before.environment()));
              if (input instanceof Input.Start && before.status() == Status.QUEUED) {
                if (deployments.findActive(before.app(), before.environment()).isPresent()) {
                  return new Decision.Ignored("its target is busy; it stays queued");
                }
                before = followingTheRunningVersion(locked.get());
              }
              Decision decided = DeploymentMachine.decide(before, input, now, freeze(before, now));
              if (decided instanceof Transition transition) {
                store(tx, before, transition, now, effects, true);
                if (input instanceof Input.StepResult result) {
                  phases.recordEvidence(id, result);
                }
              }
              return decided;
            });
    if (decision instanceof Decision.Refused refused) {
      throw new Refused(refused.why());
    }
    effects.forEach(Runnable::run);
    return decision;
  }

  private Deployment withApprovals(Deployment deployment) {
    return deployment.plan().approvals() == 0
        ? deployment
        : deployment.withApprovals(approvals.approvers(deployment.id()));
  }

  private Optional<Freeze> freeze(Deployment deployment, Instant now) {
    return deployment.gated() && FREEZE_MATTERS.contains(deployment.status())
        ? freezes.inForce(deployment.environment(), now)
        : Optional.empty();
  }

  private void store(
      Connection tx,
      Deployment before,
      Transition transition,
      Instant now,
      List<Runnable> effects,
      boolean dequeue)
      throws SQLException {
    Deployment next = transition.next();
    Instant lease = transition.localStep().isPresent() ? now.plus(runnerLease) : null;
    deployments.update(next, now, lease);
    phases.record(next.id(), transition.events(), now);
    eventLog.append(tx, before, transition.events(), now);
    Runnable measured = metrics.measure(next, transition.events(), now);
    effects.add(
        () -> {
          measured.run();
          afterCommit(transition);
        });
    for (DeploymentEvent event : transition.events()) {
      switch (event) {
        case DeploymentEvent.ApprovalGiven given ->
            approvals.add(next.id(), given.by(), given.comment(), now);
        case DeploymentEvent.PhaseCompleted done
            when done.outcome() == Outcome.ERRORED
                && (done.phase() == Phase.VERIFY
                    || done.phase() == Phase.VERIFY_LIVE
                    || done.phase() == Phase.ANALYSIS
                    || done.phase() == Phase.VERIFY_ROLLBACK) ->
            ledger.unverified(next, done.phase() + " could not run: " + done.summary(), now);
        case DeploymentEvent.PhaseCompleted done when done.outcome() == Outcome.SUCCEEDED -> {
          // A blue-green version runs on the target once traffic is switched to it.
          Phase arrives = next.plan().blueGreen() ? Phase.SWITCH : Phase.DEPLOY;
          if (done.phase() == arrives) {
            ledger.deployed(next, now);
          } else if (done.phase() == Phase.REVERT) {
            ledger.reverted(next, now);
          }
        }
        default -> {}
      }
    }
    // A verification that could not run leaves the new version in place, unverified: it runs there
    // (for blue-green, once traffic is on its slot; for a canary, taking its step's share). A
    // restore changes data, never the version.
    boolean verifying =
        before.status() == Status.VERIFY_LIVE
            || before.status() == Status.WEIGHT
            || before.status() == Status.ANALYSIS
            || before.status() == Status.BAKE
            || (before.status() == Status.VERIFY && !next.plan().blueGreen());
    boolean inPlace =
        next.kind() != Kind.RESTORE
            && (next.status() == Status.SUCCEEDED || (next.status() == Status.FAILED && verifying));
    if (inPlace) {
      targets.setCurrentVersion(next.app(), next.environment(), next.version());
    }
    if (next.status() == Status.ROLLED_BACK && next.kind() == Kind.DEPLOY) {
      quarantine.record(next.app(), next.environment(), next.version(), next.id(), next.reason());
    }
    if (dequeue && before.status().holdsTarget() && next.status().terminal()) {
      startNextInQueue(tx, next, now, effects);
    }
  }

  /** The target is free: the oldest queued deployment starts, in the same transaction. */
  private void startNextInQueue(
      Connection tx, Deployment freed, Instant now, List<Runnable> effects) throws SQLException {
    // The first that is still queued once locked: one cancelled meanwhile gives way to the next.
    for (UUID queued : deployments.queued(freed.app(), freed.environment(), 20)) {
      StoredDeployment locked = deployments.lock(queued, false).orElseThrow();
      if (locked.deployment().status() != Status.QUEUED) {
        continue;
      }
      Deployment waiting = withApprovals(followingTheRunningVersion(locked));
      if (DeploymentMachine.decide(waiting, new Input.Start(), now, freeze(waiting, now))
          instanceof Transition start) {
        store(tx, waiting, start, now, effects, true);
      }
      return;
    }
  }

  /**
   * A queued deployment reverts, if it must, to what runs when it starts, not to what ran when it
   * was asked for: the releases ahead of it changed that.
   */
  private Deployment followingTheRunningVersion(StoredDeployment queued) {
    Deployment d = queued.deployment();
    Optional<StoredTarget> target = targets.find(d.app(), d.environment());
    String running = target.map(StoredTarget::currentVersion).orElse("");
    Plan plan =
        PlanFactory.plan(queued.spec(), running, target.map(StoredTarget::currentSlot).orElse(""));
    if (running.equals(d.previousVersion()) && plan.liveSlot().equals(d.plan().liveSlot())) {
      return d;
    }
    deployments.setPreviousVersion(d.id(), running);
    return d.following(running, plan);
  }

  private void afterCommit(Transition transition) {
    signal.bump(transition.next().id());
    transition.localStep().ifPresent(step -> localSteps.get().start(transition.next().id(), step));
  }
}
