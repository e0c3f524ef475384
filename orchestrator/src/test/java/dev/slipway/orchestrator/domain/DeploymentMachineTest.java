package dev.slipway.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.orchestrator.domain.Decision.Ignored;
import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Decision.Refused;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.DeploymentEvent.Finished;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseStarted;
import dev.slipway.orchestrator.domain.DeploymentEvent.Requested;
import dev.slipway.orchestrator.domain.Input.Cancel;
import dev.slipway.orchestrator.domain.Input.DeadlinePassed;
import dev.slipway.orchestrator.domain.Input.Resume;
import dev.slipway.orchestrator.domain.Input.Start;
import dev.slipway.orchestrator.domain.Input.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DeploymentMachineTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final Plan FULL = new Plan(true, true, true, true, true, Plan.uniformTimeouts(TIMEOUT));
  private static final Plan BARE = new Plan(false, false, false, false, true, Plan.uniformTimeouts(TIMEOUT));

  /** Where a full plan goes from each phase: on success, on failure. */
  private static final Map<Phase, Status> ON_SUCCESS = new EnumMap<>(Phase.class);
  private static final Map<Phase, Status> ON_FAILURE = new EnumMap<>(Phase.class);

  static {
    ON_SUCCESS.put(Phase.PREFLIGHT, Status.BACKUP);
    ON_SUCCESS.put(Phase.BACKUP, Status.DEPLOY);
    ON_SUCCESS.put(Phase.DEPLOY, Status.VERIFY);
    ON_SUCCESS.put(Phase.VERIFY, Status.SUCCEEDED);
    ON_SUCCESS.put(Phase.SNAPSHOT, Status.RESTORE);
    ON_SUCCESS.put(Phase.RESTORE, Status.REVERT);
    ON_SUCCESS.put(Phase.REVERT, Status.VERIFY_ROLLBACK);
    ON_SUCCESS.put(Phase.VERIFY_ROLLBACK, Status.ROLLED_BACK);
    ON_FAILURE.put(Phase.PREFLIGHT, Status.FAILED);
    ON_FAILURE.put(Phase.BACKUP, Status.FAILED);
    ON_FAILURE.put(Phase.DEPLOY, Status.SNAPSHOT);
    ON_FAILURE.put(Phase.VERIFY, Status.SNAPSHOT);
    ON_FAILURE.put(Phase.SNAPSHOT, Status.ROLLBACK_FAILED);
    ON_FAILURE.put(Phase.RESTORE, Status.ROLLBACK_FAILED);
    ON_FAILURE.put(Phase.REVERT, Status.ROLLBACK_FAILED);
    ON_FAILURE.put(Phase.VERIFY_ROLLBACK, Status.ROLLBACK_FAILED);
  }

  @Test
  void everyStateAndInputPairIsDecidedAsDocumented() {
    for (Status status : Status.values()) {
      Deployment deployment = in(status, FULL, 1);
      for (Input input : inputsFor(status)) {
        Decision decision = DeploymentMachine.decide(deployment, input, NOW);
        String pair = status + " + " + input;
        Expected expected = expected(status, input);
        switch (expected) {
          case Expected.Moves moves -> {
            assertThat(decision).as(pair).isInstanceOf(Transition.class);
            Transition transition = (Transition) decision;
            assertThat(transition.next().status()).as(pair).isEqualTo(moves.to());
            assertThat(transition.next().lastSequence())
                .as(pair + " numbers its events")
                .isEqualTo(deployment.lastSequence() + transition.events().size());
            assertEventsMatch(pair, transition);
          }
          case Expected.Refuses refuses -> assertThat(decision).as(pair).isInstanceOf(Refused.class);
          case Expected.Ignores ignores -> assertThat(decision).as(pair).isInstanceOf(Ignored.class);
        }
      }
    }
  }

  @Test
  void startEmitsRequestedThenTheFirstPhaseWithItsDeadline() {
    Transition t = (Transition) DeploymentMachine.decide(in(Status.REQUESTED, FULL, 0), new Start(), NOW);
    assertThat(t.events()).hasSize(2);
    assertThat(t.events().get(0)).isInstanceOf(Requested.class);
    assertThat(t.events().get(1)).isEqualTo(new PhaseStarted(Phase.PREFLIGHT, 1, NOW.plus(TIMEOUT)));
    assertThat(t.next().deadline()).isEqualTo(NOW.plus(TIMEOUT));
    assertThat(t.localStep()).isEmpty();
  }

  @Test
  void deployAndRevertAreRunLocally() {
    Transition toDeploy = success(in(Status.BACKUP, FULL, 1), Phase.BACKUP);
    assertThat(toDeploy.localStep()).contains(new LocalStep(Phase.DEPLOY, 1));
    assertThat(toDeploy.next().backupTaken()).isTrue();
    Transition toRevert = success(in(Status.RESTORE, FULL, 1), Phase.RESTORE);
    assertThat(toRevert.localStep()).contains(new LocalStep(Phase.REVERT, 1));
  }

  @Test
  void aBarePlanSkipsOptionalPhases() {
    Transition start = (Transition) DeploymentMachine.decide(in(Status.REQUESTED, BARE, 0), new Start(), NOW);
    assertThat(start.next().status()).isEqualTo(Status.DEPLOY);
    assertThat(success(in(Status.DEPLOY, BARE, 1), Phase.DEPLOY).next().status()).isEqualTo(Status.SUCCEEDED);
    assertThat(failure(in(Status.DEPLOY, BARE, 1), Phase.DEPLOY).next().status()).isEqualTo(Status.REVERT);
    assertThat(success(in(Status.REVERT, BARE, 1), Phase.REVERT).next().status()).isEqualTo(Status.ROLLED_BACK);
  }

  @Test
  void aRollbackWithoutATakenBackupOnlyRevertsCode() {
    Deployment noBackup = withBackupTaken(in(Status.VERIFY, FULL, 1), false);
    assertThat(failure(noBackup, Phase.VERIFY).next().status()).isEqualTo(Status.REVERT);
  }

  @Test
  void aFirstReleaseWithNothingToRevertToNeedsAHuman() {
    Plan firstRelease = new Plan(false, false, false, true, false, Plan.uniformTimeouts(TIMEOUT));
    Transition t = failure(in(Status.VERIFY, firstRelease, 1), Phase.VERIFY);
    assertThat(t.next().status()).isEqualTo(Status.ROLLBACK_FAILED);
    assertThat(t.next().reason()).contains("VERIFY failed: boom").contains("no previous version");
  }

  @Test
  void theRollbackReasonNamesWhatFailedFirst() {
    Transition verifyFailed = failure(in(Status.VERIFY, FULL, 1), Phase.VERIFY);
    Deployment restoring = verifyFailed.next();
    Deployment verifying = success(success(success(restoring, Phase.SNAPSHOT).next(), Phase.RESTORE).next(), Phase.REVERT).next();
    Transition done = success(verifying, Phase.VERIFY_ROLLBACK);
    assertThat(done.next().status()).isEqualTo(Status.ROLLED_BACK);
    assertThat(done.events().getLast()).isEqualTo(new Finished(Status.ROLLED_BACK, "VERIFY failed: boom"));
  }

  @Test
  void aPassedDeadlineFailsThePhaseAndSaysWhy() {
    Transition t = (Transition) DeploymentMachine.decide(in(Status.BACKUP, FULL, 1), new DeadlinePassed(Phase.BACKUP, 1), NOW);
    assertThat(t.next().status()).isEqualTo(Status.FAILED);
    assertThat(t.next().reason()).isEqualTo("BACKUP failed: BACKUP did not finish within PT5M");
  }

  @Test
  void resumingALocalPhaseStartsANewAttempt() {
    Transition t = (Transition) DeploymentMachine.decide(in(Status.DEPLOY, FULL, 1), new Resume(Phase.DEPLOY, 1), NOW);
    assertThat(t.next().attempt()).isEqualTo(2);
    assertThat(t.localStep()).contains(new LocalStep(Phase.DEPLOY, 2));
    assertThat(DeploymentMachine.decide(t.next(), new StepResult(Phase.DEPLOY, 1, true, ""), NOW))
        .as("a late result of the abandoned attempt")
        .isInstanceOf(Ignored.class);
  }

  private static void assertEventsMatch(String pair, Transition transition) {
    DeploymentEvent last = transition.events().getLast();
    Deployment next = transition.next();
    if (next.status().terminal()) {
      assertThat(last).as(pair).isEqualTo(new Finished(next.status(), next.reason()));
      assertThat(transition.localStep()).as(pair).isEmpty();
    } else {
      Phase phase = next.status().phase().orElseThrow();
      assertThat(last).as(pair).isEqualTo(new PhaseStarted(phase, next.attempt(), NOW.plus(TIMEOUT)));
      assertThat(transition.localStep().isPresent()).as(pair).isEqualTo(phase.runsLocally());
    }
  }

  private sealed interface Expected {
    record Moves(Status to) implements Expected {}

    record Refuses() implements Expected {}

    record Ignores() implements Expected {}
  }

  private static Expected expected(Status status, Input input) {
    if (status.terminal()) {
      return input instanceof Cancel ? new Expected.Refuses() : new Expected.Ignores();
    }
    Optional<Phase> phase = status.phase();
    return switch (input) {
      case Start s -> status == Status.REQUESTED ? new Expected.Moves(Status.PREFLIGHT) : new Expected.Ignores();
      case Cancel c -> status.cancellable() ? new Expected.Moves(Status.CANCELLED) : new Expected.Refuses();
      case StepResult r ->
          phase.equals(Optional.of(r.phase())) && r.attempt() == 1
              ? new Expected.Moves(r.succeeded() ? ON_SUCCESS.get(r.phase()) : ON_FAILURE.get(r.phase()))
              : new Expected.Ignores();
      case DeadlinePassed d ->
          phase.equals(Optional.of(d.phase())) && d.attempt() == 1
              ? new Expected.Moves(ON_FAILURE.get(d.phase()))
              : new Expected.Ignores();
      case Resume r ->
          phase.equals(Optional.of(r.phase())) && r.attempt() == 1 && r.phase().runsLocally()
              ? new Expected.Moves(status)
              : new Expected.Ignores();
    };
  }

  /** Every input, for every phase, current and stale attempts. */
  private static List<Input> inputsFor(Status status) {
    List<Input> inputs = new ArrayList<>(List.of(new Start(), new Cancel("")));
    for (Phase phase : Phase.values()) {
      for (int attempt : new int[] {1, 2}) {
        inputs.add(new StepResult(phase, attempt, true, "ok"));
        inputs.add(new StepResult(phase, attempt, false, "boom"));
        inputs.add(new DeadlinePassed(phase, attempt));
        inputs.add(new Resume(phase, attempt));
      }
    }
    return inputs;
  }

  private static Transition success(Deployment deployment, Phase phase) {
    return (Transition) DeploymentMachine.decide(deployment, new StepResult(phase, deployment.attempt(), true, "ok"), NOW);
  }

  private static Transition failure(Deployment deployment, Phase phase) {
    return (Transition) DeploymentMachine.decide(deployment, new StepResult(phase, deployment.attempt(), false, "boom"), NOW);
  }

  private static Deployment in(Status status, Plan plan, int attempt) {
    Deployment requested =
        Deployment.requested(UUID.randomUUID(), "journal", "production", Kind.DEPLOY, "1.1.0", "1.0.0", "ci", 1, plan);
    Deployment d = new Deployment(
        requested.id(), "journal", "production", Kind.DEPLOY, "1.1.0", "1.0.0", "ci", 1, plan,
        status, attempt, status.phase().isPresent() ? NOW : null, "", 7, false);
    boolean pastBackup = status.ordinal() > Status.BACKUP.ordinal();
    return withBackupTaken(d, pastBackup && plan.backup());
  }

  private static Deployment withBackupTaken(Deployment d, boolean taken) {
    return taken ? d.withBackupTaken() : new Deployment(
        d.id(), d.app(), d.environment(), d.kind(), d.version(), d.previousVersion(), d.requestedBy(),
        d.targetRevision(), d.plan(), d.status(), d.attempt(), d.deadline(), d.reason(), d.lastSequence(), false);
  }
}
