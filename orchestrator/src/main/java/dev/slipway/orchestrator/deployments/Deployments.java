package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Decision;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.DeploymentMachine;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.domain.Status;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.orchestrator.outbox.CommitSignal;
import dev.slipway.orchestrator.outbox.EventLog;
import dev.slipway.orchestrator.quarantine.Quarantine;
import dev.slipway.orchestrator.targets.PlanFactory;
import dev.slipway.orchestrator.targets.StoredTarget;
import dev.slipway.orchestrator.targets.TargetRepository;
import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Applies the state machine: every input is one transaction that locks the deployment, decides,
 * stores the new state, records phases and appends the events (the outbox). Local steps start only
 * after the commit.
 */
@Singleton
public class Deployments {
  private static final String UNIQUE_VIOLATION = "23505";

  private final Transactions transactions;
  private final DeploymentRepository deployments;
  private final PhaseRepository phases;
  private final Quarantine quarantine;
  private final TargetRepository targets;
  private final EventLog eventLog;
  private final CommitSignal signal;
  private final Provider<LocalSteps> localSteps;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final Duration runnerLease;

  public Deployments(
      Transactions transactions,
      DeploymentRepository deployments,
      PhaseRepository phases,
      Quarantine quarantine,
      TargetRepository targets,
      EventLog eventLog,
      CommitSignal signal,
      Provider<LocalSteps> localSteps,
      Clock clock,
      Supplier<UUID> ids,
      @Value("${slipway.runner-lease:30s}") Duration runnerLease) {
    this.transactions = transactions;
    this.deployments = deployments;
    this.phases = phases;
    this.quarantine = quarantine;
    this.targets = targets;
    this.eventLog = eventLog;
    this.signal = signal;
    this.localSteps = localSteps;
    this.clock = clock;
    this.ids = ids;
    this.runnerLease = runnerLease;
  }

  /** What to deploy, as asked. */
  public record Request(
      String app,
      String environment,
      String version,
      Kind kind,
      String idempotencyKey,
      String requestedBy,
      boolean force,
      String forceReason) {

    /** A request that overrides no gate. */
    public Request(
        String app,
        String environment,
        String version,
        Kind kind,
        String idempotencyKey,
        String requestedBy) {
      this(app, environment, version, kind, idempotencyKey, requestedBy, false, "");
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
    }
  }

  private StoredDeployment createOnce(Request request) {
    Outcome outcome =
        transactions.inTransaction(
            tx -> {
              Optional<StoredDeployment> earlier =
                  deployments
                      .findByIdempotencyKey(request.idempotencyKey())
                      .map(StoredDeployment::of);
              if (earlier.isPresent()) {
                return new Outcome(sameRequest(earlier.get(), request), Optional.empty());
              }
              StoredTarget target =
                  targets
                      .find(request.app(), request.environment())
                      .orElseThrow(
                          () ->
                              new NotFound(
                                  "no target "
                                      + request.app()
                                      + "/"
                                      + request.environment()
                                      + "; register it with: slipway target apply -f FILE"));
              if (request.kind() == Kind.DEPLOY) {
                quarantine.admit(
                    request.app(), request.environment(), request.version(), request.force());
              }
              Optional<UUID> active = deployments.findActive(request.app(), request.environment());
              if (active.isPresent()) {
                throw new Refused(
                    "target "
                        + request.app()
                        + "/"
                        + request.environment()
                        + " is busy: deployment "
                        + active.get()
                        + " is still running");
              }
              Instant now = clock.instant();
              String previous = target.currentVersion();
              Deployment requested =
                  Deployment.requested(
                      ids.get(),
                      request.app(),
                      request.environment(),
                      request.kind(),
                      request.version(),
                      previous,
                      request.requestedBy(),
                      target.revision(),
                      PlanFactory.plan(target.spec(), previous));
              deployments.insert(
                  requested, target.spec(), request.idempotencyKey(), request.forceReason(), now);
              Transition start =
                  (Transition) DeploymentMachine.decide(requested, new Input.Start(), now);
              store(tx, requested, start, now);
              return new Outcome(
                  deployments.find(requested.id()).orElseThrow(), Optional.of(start));
            });
    outcome.transition().ifPresent(this::afterCommit);
    return outcome.deployment();
  }

  private static StoredDeployment sameRequest(StoredDeployment earlier, Request request) {
    Deployment d = earlier.deployment();
    if (!d.app().equals(request.app())
        || !d.environment().equals(request.environment())
        || !d.version().equals(request.version())
        || d.kind() != request.kind()) {
      throw new InvalidInput(
          "idempotency_key",
          "was already used for deployment "
              + d.id()
              + " of "
              + d.app()
              + "/"
              + d.environment()
              + " version "
              + d.version()
              + "; use a new key for a new request");
    }
    return earlier;
  }

  /**
   * A manual rollback: a new deployment of kind ROLLBACK to {@code toVersion} or the last good one.
   */
  public StoredDeployment rollback(
      String app, String environment, String toVersion, String key, String by) {
    String version = toVersion;
    if (version.isEmpty()) {
      StoredTarget target =
          transactions
              .read(c -> targets.find(app, environment))
              .orElseThrow(() -> new NotFound("no target " + app + "/" + environment));
      version =
          transactions
              .read(
                  c ->
                      deployments.lastGoodVersionOtherThan(
                          app, environment, target.currentVersion()))
              .orElseThrow(
                  () ->
                      new Refused(
                          "target "
                              + app
                              + "/"
                              + environment
                              + " has no earlier good version to roll back to; name one with --to"));
    }
    return create(new Request(app, environment, version, Kind.ROLLBACK, key, by));
  }

  /**
   * Feeds one input to a deployment. Returns the decision; a {@link Decision.Refused} is thrown as
   * {@link Refused}. With {@code skipLocked}, a deployment another transaction holds is left alone.
   */
  public Decision apply(UUID id, Input input, boolean skipLocked) {
    Outcome outcome =
        transactions.inTransaction(
            tx -> {
              Optional<StoredDeployment> locked = deployments.lock(id, skipLocked);
              if (locked.isEmpty()) {
                if (skipLocked) {
                  return new Outcome(
                      null, Optional.empty(), new Decision.Ignored("held by another replica"));
                }
                throw new NotFound("no deployment " + id);
              }
              Deployment before = locked.get().deployment();
              Instant now = clock.instant();
              Decision decision = DeploymentMachine.decide(before, input, now);
              if (decision instanceof Transition transition) {
                store(tx, before, transition, now);
                if (input instanceof Input.StepResult result) {
                  phases.recordEvidence(id, result);
                }
                return new Outcome(null, Optional.of(transition), decision);
              }
              return new Outcome(null, Optional.empty(), decision);
            });
    if (outcome.decision() instanceof Decision.Refused refused) {
      throw new Refused(refused.why());
    }
    outcome.transition().ifPresent(this::afterCommit);
    return outcome.decision();
  }

  private void store(Connection tx, Deployment before, Transition transition, Instant now)
      throws SQLException {
    Deployment next = transition.next();
    Instant lease = transition.localStep().isPresent() ? now.plus(runnerLease) : null;
    deployments.update(next, now, lease);
    phases.record(next.id(), transition.events(), now);
    eventLog.append(tx, before, transition.events(), now);
    // A verification that could not run leaves the new version in place, unverified: it runs there.
    boolean inPlace =
        next.status() == Status.SUCCEEDED
            || (before.status() == Status.VERIFY && next.status() == Status.FAILED);
    if (inPlace) {
      targets.setCurrentVersion(next.app(), next.environment(), next.version());
    }
    if (next.status() == Status.ROLLED_BACK && next.kind() == Kind.DEPLOY) {
      quarantine.record(next.app(), next.environment(), next.version(), next.id(), next.reason());
    }
  }

  private void afterCommit(Transition transition) {
    signal.bump(transition.next().id());
    transition.localStep().ifPresent(step -> localSteps.get().start(transition.next().id(), step));
  }

  private record Outcome(
      StoredDeployment deployment, Optional<Transition> transition, Decision decision) {
    Outcome(StoredDeployment deployment, Optional<Transition> transition) {
      this(deployment, transition, null);
    }
  }
}
