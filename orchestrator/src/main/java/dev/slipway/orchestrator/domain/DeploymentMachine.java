package dev.slipway.orchestrator.domain;

import dev.slipway.orchestrator.domain.Decision.Ignored;
import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Decision.Refused;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.DeploymentEvent.Finished;
import dev.slipway.orchestrator.domain.DeploymentEvent.Paused;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseCompleted;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseProgress;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseStarted;
import dev.slipway.orchestrator.domain.DeploymentEvent.Queued;
import dev.slipway.orchestrator.domain.DeploymentEvent.Requested;
import dev.slipway.orchestrator.domain.DeploymentEvent.Resumed;
import dev.slipway.orchestrator.domain.Input.Abort;
import dev.slipway.orchestrator.domain.Input.Approve;
import dev.slipway.orchestrator.domain.Input.Cancel;
import dev.slipway.orchestrator.domain.Input.DeadlinePassed;
import dev.slipway.orchestrator.domain.Input.Progress;
import dev.slipway.orchestrator.domain.Input.Promote;
import dev.slipway.orchestrator.domain.Input.Queue;
import dev.slipway.orchestrator.domain.Input.Reject;
import dev.slipway.orchestrator.domain.Input.Resume;
import dev.slipway.orchestrator.domain.Input.Start;
import dev.slipway.orchestrator.domain.Input.StepResult;
import dev.slipway.orchestrator.domain.Input.Wake;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The deployment lifecycle as one pure function: {@code decide(deployment, input, now, freeze)}
 * returns the next state and the events to publish. No I/O; the caller applies the decision in one
 * transaction, and tells it which freeze window (if any) is in force on the environment now.
 *
 * <pre>
 * [QUEUED] -> REQUESTED -> [AWAITING_APPROVAL] -> [HELD] -> PREFLIGHT -> BACKUP -> [HELD] -> DEPLOY
 *   -> VERIFY -> [SWITCH -> VERIFY_LIVE] -> [(WEIGHT -> [ANALYSIS]) per canary step] -> [BAKE]
 *   -> SUCCEEDED
 * rejected, approval expired, PREFLIGHT/BACKUP failure -> FAILED (nothing changed)
 * cancel before DEPLOY -> CANCELLED
 * DEPLOY/VERIFY/WEIGHT/ANALYSIS/BAKE failure, or an abort
 *   -> [SNAPSHOT -> RESTORE] -> REVERT -> [VERIFY_ROLLBACK] -> ROLLED_BACK
 * canary: an ANALYSIS that saw no data follows noData: the next step, a rollback, or PAUSED until
 *   a promote (next step) or an abort (rollback); a canary's REVERT first sets the weight to 0
 * rolling: DEPLOY and VERIFY run once per wave of instances; a failure REVERTs the waves released
 *   so far (and VERIFY_ROLLBACK checks them), and later waves are never touched
 * blue-green: DEPLOY and VERIFY work on the idle slot, SWITCH moves traffic to it, VERIFY_LIVE
 *   checks it serving; a failure before the switch ends ROLLED_BACK after [SNAPSHOT -> RESTORE]
 *   with traffic never moved, one after it REVERTs by switching back
 * any rollback phase failure -> ROLLBACK_FAILED
 * a phase that could not run (ERRORED, or a worker's deadline passed) -> FAILED, or ROLLBACK_FAILED
 *   once rolling back: Slipway's own failure never starts a rollback
 * a restore on demand: SNAPSHOT -> RESTORE -> [VERIFY] -> SUCCEEDED; any failure -> FAILED
 * </pre>
 *
 * A freeze holds a release before its first phase and again before DEPLOY; one held after its
 * backup takes the backup again when the freeze ends, since the data moved on meanwhile. Gates
 * apply to releases of new versions: a manual rollback is how you get out of trouble during a
 * freeze. Optional phases (preflight, backup, verify, bake, the data restore) are skipped when the
 * plan has none.
 */
public final class DeploymentMachine {
  /** Attempts of a deploy or revert whose runner died, before the phase is given up as errored. */
  public static final int MAX_RUNNER_ATTEMPTS = 3;

  private DeploymentMachine() {}

  /** Decides with no freeze window in force. */
  public static Decision decide(Deployment deployment, Input input, Instant now) {
    return decide(deployment, input, now, Optional.empty());
  }

  public static Decision decide(
      Deployment deployment, Input input, Instant now, Optional<Freeze> freeze) {
    if (deployment.status().terminal()) {
      String finished =
          "deployment already finished as "
              + deployment.status()
              + (deployment.reason().isEmpty() ? "" : " (" + deployment.reason() + ")");
      return isRequest(input) ? new Refused(finished) : new Ignored(finished);
    }
    return switch (input) {
      case Start start -> start(deployment, now, freeze);
      case Queue queue -> queue(deployment, queue);
      case Approve approve -> Gates.approve(deployment, approve, now, freeze);
      case Reject reject -> Gates.reject(deployment, reject);
      case Wake wake -> Gates.wake(deployment, now, freeze);
      case Promote promote -> promote(deployment, promote, now);
      case Abort abort -> abort(deployment, abort, now);
      case StepResult result -> onResult(deployment, result, now, freeze);
      case Progress progress -> onProgress(deployment, progress);
      case DeadlinePassed passed -> onDeadline(deployment, passed, now);
      case Resume resume -> onResume(deployment, resume, now);
      case Cancel cancel -> onCancel(deployment, cancel);
    };
  }

  /** A person's request, which is answered (refused) rather than dropped when it cannot apply. */
  private static boolean isRequest(Input input) {
    return input instanceof Cancel
        || input instanceof Approve
        || input instanceof Reject
        || input instanceof Promote
        || input instanceof Abort;
  }

  private static Decision start(Deployment deployment, Instant now, Optional<Freeze> freeze) {
    List<DeploymentEvent> events = new ArrayList<>();
    switch (deployment.status()) {
      case REQUESTED -> events.add(requested(deployment));
      case QUEUED -> {}
      default -> {
        return new Ignored("already started");
      }
    }
    return Gates.afterStart(deployment, now, freeze, events);
  }

  private static Requested requested(Deployment deployment) {
    return new Requested(
        deployment.version(),
        deployment.previousVersion(),
        deployment.kind(),
        deployment.requestedBy(),
        deployment.targetRevision());
  }

  private static Decision queue(Deployment deployment, Queue queue) {
    if (deployment.status() != Status.REQUESTED) {
      return new Ignored("already started");
    }
    List<DeploymentEvent> events =
        List.of(requested(deployment), new Queued(queue.behind(), queue.position()));
    return transition(
        deployment.waiting(Status.QUEUED, null, "queued behind deployment " + queue.behind()),
        deployment,
        events,
        Optional.empty());
  }

  private static Decision promote(Deployment deployment, Promote promote, Instant now) {
    return switch (deployment.status()) {
      case BAKE ->
          finish(
              deployment,
              Status.SUCCEEDED,
              "",
              List.of(
                  completedNow(
                      deployment,
                      Outcome.SUCCEEDED,
                      "promoted by " + promote.by() + " before the bake ended")));
      case ANALYSIS ->
          nextStep(
              deployment,
              now,
              List.of(
                  completedNow(
                      deployment,
                      Outcome.SUCCEEDED,
                      "promoted by " + promote.by() + " before the pause ended")));
      case PAUSED ->
          nextStep(
              deployment.withReason(""),
              now,
              List.of(new Resumed(promote.by(), deployment.step())));
      default ->
          new Refused(
              "only a baking deployment, or a canary analysing or paused, can be promoted; this"
                  + " one is "
                  + deployment.status());
    };
  }

  /**
   * A person rolls back a release whose new version is only being looked at. While a command runs
   * it is refused: its runner would go on with it.
   */
  private static Decision abort(Deployment deployment, Abort abort, Instant now) {
    String why = "aborted by " + abort.by() + ": " + abort.reason();
    boolean checking =
        switch (deployment.status()) {
          case VERIFY, VERIFY_LIVE, ANALYSIS, BAKE, PAUSED -> true;
          default -> false;
        };
    if (!checking || deployment.kind() == Kind.RESTORE) {
      return new Refused(
          "cannot abort during "
              + deployment.status()
              + (deployment.status().cancellable()
                  ? ": nothing has changed yet; cancel instead"
                  : deployment.status().phase().map(Phase::runsLocally).orElse(false)
                      ? ": its command is running; abort once it is done"
                      : ": only a release being checked, or a paused canary, can be aborted"));
    }
    List<DeploymentEvent> closed =
        deployment.status() == Status.PAUSED
            ? List.of()
            : List.of(completedNow(deployment, Outcome.FAILED, why));
    return startRollback(deployment.withReason(why), now, closed);
  }

  /** The current phase attempt ending now, as a person decided. */
  private static PhaseCompleted completedNow(
      Deployment deployment, Outcome outcome, String summary) {
    Phase phase = deployment.status().phase().orElseThrow();
    return new PhaseCompleted(
        phase, deployment.attempt(), outcome, summary, deployment.stepOf(phase));
  }

  private static Decision onResult(
      Deployment deployment, StepResult result, Instant now, Optional<Freeze> freeze) {
    if (!isCurrent(deployment, result.phase(), result.step(), result.attempt())) {
      return new Ignored(
          "stale report for "
              + result.phase()
              + (result.step() > 0 ? " step " + result.step() : "")
              + " attempt "
              + result.attempt()
              + "; deployment is in "
              + deployment.status()
              + " attempt "
              + deployment.attempt());
    }
    PhaseCompleted completed =
        new PhaseCompleted(
            result.phase(), result.attempt(), result.outcome(), result.summary(), result.step());
    return switch (result.outcome()) {
      case SUCCEEDED -> afterSuccess(deployment, result.phase(), completed, now, freeze);
      case FAILED -> afterFailure(deployment, result.phase(), completed, result.summary(), now);
      case ERRORED -> afterError(deployment, result.phase(), completed, result.summary());
      case NO_DATA ->
          result.phase() == Phase.ANALYSIS
              ? afterNoData(deployment, completed, result.summary(), now)
              : afterError(
                  deployment,
                  result.phase(),
                  completed,
                  "the worker reported no data, which only an ANALYSIS can: " + result.summary());
    };
  }

  /** A worker's phase that is still current says how far it has come; nothing else changes. */
  private static Decision onProgress(Deployment deployment, Progress progress) {
    if (progress.phase().runsLocally()
        || !isCurrent(deployment, progress.phase(), progress.step(), progress.attempt())) {
      return new Ignored(
          "progress of " + progress.phase() + " attempt " + progress.attempt() + ", not current");
    }
    return transition(
        deployment,
        deployment,
        List.of(
            new PhaseProgress(
                progress.phase(),
                progress.attempt(),
                progress.detail(),
                progress.bytes(),
                progress.step())),
        Optional.empty());
  }

  /**
   * A local phase that overruns is the release's failure (its command hung); a worker's phase that
   * overruns means the worker never answered, which says nothing about the release.
   */
  private static Decision onDeadline(Deployment deployment, DeadlinePassed passed, Instant now) {
    if (!isCurrent(deployment, passed.phase(), passed.step(), passed.attempt())) {
      return new Ignored("deadline of a phase that is no longer current");
    }
    Phase phase = passed.phase();
    Duration timeout = deployment.timeoutOf(phase);
    if (phase.runsLocally()) {
      String summary = phase + " did not finish within " + timeout;
      return afterFailure(
          deployment,
          phase,
          new PhaseCompleted(phase, passed.attempt(), Outcome.FAILED, summary, passed.step()),
          summary,
          now);
    }
    String summary =
        "no result from the "
            + phase.worker().serviceName()
            + " within "
            + timeout
            + " (is it running, and can it reach Kafka and the orchestrator?)";
    return afterError(
        deployment,
        phase,
        new PhaseCompleted(phase, passed.attempt(), Outcome.ERRORED, summary, passed.step()),
        summary);
  }

  private static Decision onResume(Deployment deployment, Resume resume, Instant now) {
    if (!resume.phase().runsLocally()
        || !isCurrent(deployment, resume.phase(), resume.step(), resume.attempt())) {
      return new Ignored(
          "nothing to resume for " + resume.phase() + " attempt " + resume.attempt());
    }
    if (resume.attempt() >= MAX_RUNNER_ATTEMPTS) {
      // An orchestrator that keeps dying under this command is not retried for ever.
      String summary =
          "runner lost "
              + resume.attempt()
              + " times (orchestrator restarts); given up, the target may be partly changed";
      return afterError(
          deployment,
          resume.phase(),
          new PhaseCompleted(
              resume.phase(), resume.attempt(), Outcome.ERRORED, summary, resume.step()),
          summary);
    }
    PhaseCompleted abandoned =
        new PhaseCompleted(
            resume.phase(),
            resume.attempt(),
            Outcome.ERRORED,
            "runner lost (" + resume.why() + "); retrying",
            resume.step());
    return enter(deployment, resume.phase(), resume.attempt() + 1, now, List.of(abandoned));
  }

  private static Decision onCancel(Deployment deployment, Cancel cancel) {
    // A restore's snapshot changes nothing yet, so it can be called off as a backup can.
    boolean snapshotting =
        deployment.kind() == Kind.RESTORE && deployment.status() == Status.SNAPSHOT;
    if (!deployment.status().cancellable() && !snapshotting) {
      return new Refused(
          "cannot cancel during "
              + deployment.status()
              + ": the target is already changing; roll back instead");
    }
    String reason = cancel.reason().isBlank() ? "cancelled" : cancel.reason();
    // The phase under way ends with the deployment; its worker sees it is no longer current and
    // stops.
    List<DeploymentEvent> closed =
        deployment
            .status()
            .phase()
            .<List<DeploymentEvent>>map(
                phase ->
                    List.of(
                        new PhaseCompleted(
                            phase,
                            deployment.attempt(),
                            Outcome.FAILED,
                            "cancelled: " + reason,
                            deployment.stepOf(phase))))
            .orElse(List.of());
    return finish(deployment, Status.CANCELLED, reason, closed);
  }

  private static Decision afterSuccess(
      Deployment deployment,
      Phase phase,
      PhaseCompleted completed,
      Instant now,
      Optional<Freeze> freeze) {
    List<DeploymentEvent> events = List.of(completed);
    Plan plan = deployment.plan();
    return switch (phase) {
      case PREFLIGHT ->
          plan.backup()
              ? enter(deployment, Phase.BACKUP, 1, now, events)
              : Gates.beforeDeploy(deployment, now, freeze, events);
      case BACKUP -> Gates.beforeDeploy(deployment.withBackupTaken(true), now, freeze, events);
      case DEPLOY ->
          plan.healthChecks()
              ? enter(deployment, Phase.VERIFY, 1, now, events)
              : nextWave(deployment, now, events);
      case VERIFY ->
          deployment.kind() == Kind.RESTORE
              ? finish(deployment, Status.SUCCEEDED, "", events)
              : nextWave(deployment, now, events);
      case SWITCH ->
          plan.healthChecks()
              ? enter(deployment, Phase.VERIFY_LIVE, 1, now, events)
              : finish(deployment, Status.SUCCEEDED, "", events);
      case VERIFY_LIVE ->
          plan.bake()
              ? enter(deployment, Phase.BAKE, 1, now, events)
              : finish(deployment, Status.SUCCEEDED, "", events);
      case WEIGHT ->
          plan.canary().step(deployment.step()).analysed()
              ? enter(deployment, Phase.ANALYSIS, 1, now, events)
              : nextStep(deployment, now, events);
      case ANALYSIS -> nextStep(deployment, now, events);
      case BAKE -> finish(deployment, Status.SUCCEEDED, "", events);
      case SNAPSHOT -> enter(deployment, Phase.RESTORE, 1, now, events);
      case RESTORE ->
          deployment.kind() == Kind.RESTORE
              ? plan.healthChecks()
                  ? enter(deployment, Phase.VERIFY, 1, now, events)
                  : finish(deployment, Status.SUCCEEDED, "", events)
              : neverSwitched(deployment)
                  ? finish(deployment, Status.ROLLED_BACK, neverSwitchedReason(deployment), events)
                  : plan.revertible()
                      ? enter(deployment, Phase.REVERT, 1, now, events)
                      : finish(
                          deployment,
                          Status.ROLLBACK_FAILED,
                          deployment.reason()
                              + "; data restored but there is no previous version to revert to",
                          events);
      case REVERT ->
          plan.healthChecks()
              ? enter(deployment, Phase.VERIFY_ROLLBACK, 1, now, events)
              : finish(deployment, Status.ROLLED_BACK, deployment.reason(), events);
      case VERIFY_ROLLBACK -> finish(deployment, Status.ROLLED_BACK, deployment.reason(), events);
    };
  }

  private static Decision afterFailure(
      Deployment deployment, Phase phase, PhaseCompleted completed, String summary, Instant now) {
    List<DeploymentEvent> events = List.of(completed);
    if (deployment.kind() == Kind.RESTORE) {
      return finish(
          deployment, Status.FAILED, restoreStopped(phase, phase + " failed: " + summary), events);
    }
    return switch (phase) {
      case PREFLIGHT, BACKUP ->
          finish(deployment, Status.FAILED, phase + " failed: " + summary, events);
      case DEPLOY, VERIFY, SWITCH, VERIFY_LIVE, BAKE ->
          startRollback(
              deployment.withReason(phase + atWave(deployment, phase) + " failed: " + summary),
              now,
              events);
      case WEIGHT, ANALYSIS ->
          startRollback(
              deployment.withReason(phase + " " + atStep(deployment) + " failed: " + summary),
              now,
              events);
      case SNAPSHOT, RESTORE, REVERT, VERIFY_ROLLBACK ->
          finish(
              deployment,
              Status.ROLLBACK_FAILED,
              deployment.reason() + "; then " + phase + " failed: " + summary,
              events);
    };
  }

  /**
   * Slipway could not run the phase: stop where we are, and never touch the target because of it.
   */
  private static Decision afterError(
      Deployment deployment, Phase phase, PhaseCompleted completed, String summary) {
    List<DeploymentEvent> events = List.of(completed);
    String couldNotRun = phase + atWave(deployment, phase) + " could not run: " + summary;
    if (deployment.kind() == Kind.RESTORE) {
      return finish(deployment, Status.FAILED, restoreStopped(phase, couldNotRun), events);
    }
    return switch (phase) {
      case PREFLIGHT, BACKUP -> finish(deployment, Status.FAILED, couldNotRun, events);
      case DEPLOY ->
          finish(
              deployment,
              Status.FAILED,
              couldNotRun + releasedBefore(deployment) + "; nothing was rolled back",
              events);
      case VERIFY ->
          finish(
              deployment,
              Status.FAILED,
              couldNotRun
                  + "; version "
                  + deployment.version()
                  + (deployment.plan().blueGreen()
                      ? " is on the idle slot "
                          + deployment.plan().slot()
                          + ", unverified, and traffic was not switched"
                      : deployment.plan().rolling().enabled()
                          ? " is on "
                              + String.join(", ", deployment.instancesFor(phase, deployment.step()))
                              + " unverified"
                              + releasedBefore(deployment)
                              + ", and nothing was rolled back"
                          : " is deployed but unverified, and nothing was rolled back"),
              events);
      case SWITCH ->
          finish(
              deployment,
              Status.FAILED,
              couldNotRun
                  + "; traffic may be partly on slot "
                  + deployment.plan().slot()
                  + ", and nothing was rolled back",
              events);
      case VERIFY_LIVE ->
          finish(
              deployment,
              Status.FAILED,
              couldNotRun
                  + "; version "
                  + deployment.version()
                  + " serves from slot "
                  + deployment.plan().slot()
                  + " but is unverified there, and nothing was rolled back",
              events);
      case WEIGHT, ANALYSIS ->
          finish(
              deployment,
              Status.FAILED,
              phase
                  + " "
                  + atStep(deployment)
                  + " could not run: "
                  + summary
                  + (phase == Phase.WEIGHT
                      ? "; up to "
                          + deployment.weight()
                          + "% of traffic may be on version "
                          + deployment.version()
                      : "; version "
                          + deployment.version()
                          + " takes "
                          + deployment.weight()
                          + "% of traffic, unanalysed")
                  + ", and nothing was rolled back",
              events);
      case BAKE ->
          finish(
              deployment,
              Status.FAILED,
              couldNotRun
                  + "; version "
                  + deployment.version()
                  + " is deployed and passed VERIFY but did not finish its bake, and nothing was"
                  + " rolled back",
              events);
      case SNAPSHOT, RESTORE, REVERT, VERIFY_ROLLBACK ->
          finish(
              deployment,
              Status.ROLLBACK_FAILED,
              deployment.reason() + "; then " + couldNotRun,
              events);
    };
  }

  /**
   * A restore on demand that fails stops where it is: it is itself the way back, and its snapshot
   * holds the data as it was.
   */
  private static String restoreStopped(Phase phase, String failure) {
    return failure
        + switch (phase) {
          case SNAPSHOT -> "; nothing was restored";
          case RESTORE -> "; the data as it was before is kept in this deployment's snapshot";
          default ->
              "; the data is restored, and the data from before it is kept in this deployment's"
                  + " snapshot";
        };
  }

  private static Decision startRollback(
      Deployment deployment, Instant now, List<DeploymentEvent> events) {
    Plan plan = deployment.plan();
    if (plan.restoreOnRollback() && deployment.backupTaken()) {
      return enter(deployment, Phase.SNAPSHOT, 1, now, events);
    }
    if (neverSwitched(deployment)) {
      return finish(deployment, Status.ROLLED_BACK, neverSwitchedReason(deployment), events);
    }
    if (plan.revertible()) {
      return enter(deployment, Phase.REVERT, 1, now, events);
    }
    return finish(
        deployment,
        Status.ROLLBACK_FAILED,
        deployment.reason() + "; there is no previous version to revert to",
        events);
  }

  /**
   * After the checks that follow a deploy (or the deploy, without checks): a blue-green release
   * switches traffic, a direct one bakes or is done.
   */
  private static Decision verified(
      Deployment deployment, Instant now, List<DeploymentEvent> events) {
    Plan plan = deployment.plan();
    if (plan.blueGreen()) {
      // Marked before it runs: a switch that fails part way is switched back.
      return enter(deployment.withSwitched(), Phase.SWITCH, 1, now, events);
    }
    if (plan.canary().enabled()) {
      return enter(deployment.atStep(1), Phase.WEIGHT, 1, now, events);
    }
    return plan.bake()
        ? enter(deployment, Phase.BAKE, 1, now, events)
        : finish(deployment, Status.SUCCEEDED, "", events);
  }

  /**
   * Rolling: after a wave is deployed and verified, the next one; once the last is, or for a target
   * deployed as one, what follows the checks.
   */
  private static Decision nextWave(
      Deployment deployment, Instant now, List<DeploymentEvent> events) {
    Rolling rolling = deployment.plan().rolling();
    if (rolling.enabled() && !rolling.last(deployment.step())) {
      return enter(deployment.atStep(deployment.step() + 1), Phase.DEPLOY, 1, now, events);
    }
    return verified(deployment, now, events);
  }

  /** " wave 2 of 3 (b)": which instances a phase of a rolling release stopped at, for reasons. */
  private static String atWave(Deployment deployment, Phase phase) {
    Rolling rolling = deployment.plan().rolling();
    boolean waveByWave = phase == Phase.DEPLOY || phase == Phase.VERIFY;
    if (!rolling.enabled() || !waveByWave || deployment.step() == 0) {
      return "";
    }
    return " wave "
        + deployment.step()
        + " of "
        + rolling.waves()
        + " ("
        + String.join(", ", rolling.wave(deployment.step()))
        + ")";
  }

  /** Rolling: the instances earlier waves left on the new version, for a release stopped. */
  private static String releasedBefore(Deployment deployment) {
    Rolling rolling = deployment.plan().rolling();
    if (!rolling.enabled() || deployment.step() <= 1) {
      return "";
    }
    List<String> earlier = rolling.releasedUpTo(deployment.step() - 1).reversed();
    return "; " + String.join(", ", earlier) + " already run version " + deployment.version();
  }

  /**
   * Canary: after a step, the next one, or once the last is done (all traffic on the new version)
   * the bake or success.
   */
  private static Decision nextStep(
      Deployment deployment, Instant now, List<DeploymentEvent> events) {
    if (!deployment.plan().canary().last(deployment.step())) {
      return enter(deployment.atStep(deployment.step() + 1), Phase.WEIGHT, 1, now, events);
    }
    return deployment.plan().bake()
        ? enter(deployment, Phase.BAKE, 1, now, events)
        : finish(deployment, Status.SUCCEEDED, "", events);
  }

  /** Canary: an analysis that had nothing to judge, handled as the target's noData says. */
  private static Decision afterNoData(
      Deployment deployment, PhaseCompleted completed, String summary, Instant now) {
    List<DeploymentEvent> events = List.of(completed);
    String seen = "ANALYSIS " + atStep(deployment) + " saw no data: " + summary;
    return switch (deployment.plan().canary().noData()) {
      case CONTINUE -> nextStep(deployment, now, events);
      case FAIL -> startRollback(deployment.withReason(seen + " (noData: fail)"), now, events);
      case PAUSE -> {
        String reason =
            seen + " (noData: pause); promote to go on with the next step, or abort to roll back";
        List<DeploymentEvent> paused = new ArrayList<>(events);
        paused.add(new Paused(deployment.step(), deployment.weight(), reason));
        yield transition(
            deployment.waiting(Status.PAUSED, null, reason), deployment, paused, Optional.empty());
      }
    };
  }

  /** "step 2 (50%)": where a canary stands, for reasons. */
  private static String atStep(Deployment deployment) {
    return "step " + deployment.step() + " (" + deployment.weight() + "%)";
  }

  /** A blue-green release that failed before its switch: traffic never left the slot it was on. */
  private static boolean neverSwitched(Deployment deployment) {
    return deployment.plan().blueGreen() && !deployment.switched();
  }

  private static String neverSwitchedReason(Deployment deployment) {
    return deployment.reason()
        + "; traffic was never switched to slot "
        + deployment.plan().slot()
        + ", nothing to switch back";
  }

  /** The first phase of the plan; a restore on demand first snapshots what it overwrites. */
  static Phase firstPhase(Deployment deployment) {
    Plan plan = deployment.plan();
    if (deployment.kind() == Kind.RESTORE) {
      return Phase.SNAPSHOT;
    }
    if (plan.preflight()) {
      return Phase.PREFLIGHT;
    }
    return plan.backup() ? Phase.BACKUP : Phase.DEPLOY;
  }

  private static boolean isCurrent(Deployment deployment, Phase phase, int step, int attempt) {
    return deployment.status().phase().equals(Optional.of(phase))
        && deployment.stepOf(phase) == step
        && deployment.attempt() == attempt;
  }

  static Transition enter(
      Deployment entering, Phase phase, int attempt, Instant now, List<DeploymentEvent> before) {
    // A rolling release's first DEPLOY is its first wave.
    Deployment deployment =
        phase == Phase.DEPLOY && entering.plan().rolling().enabled() && entering.step() == 0
            ? entering.atStep(1)
            : entering;
    Instant deadline = now.plus(deployment.timeoutOf(phase));
    int step = deployment.stepOf(phase);
    List<DeploymentEvent> events = new ArrayList<>(before);
    events.add(new PhaseStarted(phase, attempt, deadline, step));
    Deployment next = deployment.inPhase(phase, attempt, deadline);
    Optional<LocalStep> local =
        phase.runsLocally() ? Optional.of(new LocalStep(phase, attempt, step)) : Optional.empty();
    return transition(next, deployment, events, local);
  }

  static Transition finish(
      Deployment deployment, Status terminal, String reason, List<DeploymentEvent> before) {
    List<DeploymentEvent> events = new ArrayList<>(before);
    events.add(new Finished(terminal, reason));
    return transition(deployment.finished(terminal, reason), deployment, events, Optional.empty());
  }

  /** {@code next} with the sequence numbers the events take after {@code before}'s. */
  static Transition transition(
      Deployment next,
      Deployment before,
      List<DeploymentEvent> events,
      Optional<LocalStep> localStep) {
    return new Transition(
        next.withLastSequence(before.lastSequence() + events.size()), events, localStep);
  }
}
