package dev.slipway.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.orchestrator.domain.Decision.Ignored;
import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.DeploymentEvent.Finished;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseStarted;
import dev.slipway.orchestrator.domain.DeploymentEvent.Requested;
import dev.slipway.orchestrator.domain.Input.DeadlinePassed;
import dev.slipway.orchestrator.domain.Input.Resume;
import dev.slipway.orchestrator.domain.Input.Start;
import dev.slipway.orchestrator.domain.Input.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Single paths through the machine, read as scenarios; every pair is walked by the table test. */
class DeploymentMachineTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final Plan FULL =
      new Plan(true, true, true, true, true, Plan.uniformTimeouts(TIMEOUT));
  private static final Plan BARE =
      new Plan(false, false, false, false, true, Plan.uniformTimeouts(TIMEOUT));

  @Test
  void startEmitsRequestedThenTheFirstPhaseWithItsDeadline() {
    Transition t =
        (Transition) DeploymentMachine.decide(in(Status.REQUESTED, FULL, 0), new Start(), NOW);
    assertThat(t.events()).hasSize(2);
    assertThat(t.events().get(0)).isInstanceOf(Requested.class);
    assertThat(t.events().get(1))
        .isEqualTo(new PhaseStarted(Phase.PREFLIGHT, 1, NOW.plus(TIMEOUT)));
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
    Transition start =
        (Transition) DeploymentMachine.decide(in(Status.REQUESTED, BARE, 0), new Start(), NOW);
    assertThat(start.next().status()).isEqualTo(Status.DEPLOY);
    assertThat(success(in(Status.DEPLOY, BARE, 1), Phase.DEPLOY).next().status())
        .isEqualTo(Status.SUCCEEDED);
    assertThat(failure(in(Status.DEPLOY, BARE, 1), Phase.DEPLOY).next().status())
        .isEqualTo(Status.REVERT);
    assertThat(success(in(Status.REVERT, BARE, 1), Phase.REVERT).next().status())
        .isEqualTo(Status.ROLLED_BACK);
  }

  @Test
  void aRollbackWithoutATakenBackupOnlyRevertsCode() {
    Deployment noBackup = in(Status.VERIFY, FULL, 1).withBackupTaken(false);
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
    Deployment verifying =
        success(
                success(success(restoring, Phase.SNAPSHOT).next(), Phase.RESTORE).next(),
                Phase.REVERT)
            .next();
    Transition done = success(verifying, Phase.VERIFY_ROLLBACK);
    assertThat(done.next().status()).isEqualTo(Status.ROLLED_BACK);
    assertThat(done.events().getLast())
        .isEqualTo(new Finished(Status.ROLLED_BACK, "VERIFY failed: boom"));
  }

  @Test
  void aCommandThatOverrunsItsDeadlineFailsTheRelease() {
    Transition t =
        (Transition)
            DeploymentMachine.decide(
                in(Status.DEPLOY, FULL, 1), new DeadlinePassed(Phase.DEPLOY, 1), NOW);
    assertThat(t.next().status()).isEqualTo(Status.SNAPSHOT);
    assertThat(t.next().reason()).isEqualTo("DEPLOY failed: DEPLOY did not finish within PT5M");
  }

  @Test
  void aWorkerThatNeverAnswersIsSlipwaysErrorAndStartsNoRollback() {
    Transition t =
        (Transition)
            DeploymentMachine.decide(
                in(Status.VERIFY, FULL, 1), new DeadlinePassed(Phase.VERIFY, 1), NOW);
    assertThat(t.next().status()).isEqualTo(Status.FAILED);
    assertThat(t.next().reason())
        .isEqualTo(
            "VERIFY could not run: no result from the health-service within PT5M"
                + " (is it running, and can it reach Kafka and the orchestrator?); version 1.1.0 is deployed but unverified,"
                + " and nothing was rolled back");
    assertThat(t.localStep()).isEmpty();
  }

  @Test
  void aRunnerLostAgainAndAgainIsGivenUpAsErroredAndNeverRetriedForEver() {
    Transition t =
        (Transition)
            DeploymentMachine.decide(
                in(Status.DEPLOY, FULL, DeploymentMachine.MAX_RUNNER_ATTEMPTS),
                new Resume(
                    Phase.DEPLOY, DeploymentMachine.MAX_RUNNER_ATTEMPTS, "its lease expired"),
                NOW);
    assertThat(t.next().status()).isEqualTo(Status.FAILED);
    assertThat(t.next().reason())
        .isEqualTo(
            "DEPLOY could not run: runner lost 3 times (orchestrator restarts); given up, the target"
                + " may be partly changed; nothing was rolled back");
    assertThat(t.localStep()).isEmpty();
  }

  @Test
  void resumingALocalPhaseStartsANewAttempt() {
    Transition t =
        (Transition)
            DeploymentMachine.decide(
                in(Status.DEPLOY, FULL, 1), new Resume(Phase.DEPLOY, 1, "its lease expired"), NOW);
    assertThat(t.next().attempt()).isEqualTo(2);
    assertThat(t.localStep()).contains(new LocalStep(Phase.DEPLOY, 2));
    assertThat(
            DeploymentMachine.decide(
                t.next(), new StepResult(Phase.DEPLOY, 1, Outcome.SUCCEEDED, ""), NOW))
        .as("a late result of the abandoned attempt")
        .isInstanceOf(Ignored.class);
  }

  private static Transition success(Deployment deployment, Phase phase) {
    return (Transition)
        DeploymentMachine.decide(
            deployment, new StepResult(phase, deployment.attempt(), Outcome.SUCCEEDED, "ok"), NOW);
  }

  private static Transition failure(Deployment deployment, Phase phase) {
    return (Transition)
        DeploymentMachine.decide(
            deployment, new StepResult(phase, deployment.attempt(), Outcome.FAILED, "boom"), NOW);
  }

  private static Deployment in(Status status, Plan plan, int attempt) {
    Deployment d =
        new Deployment(
            UUID.randomUUID(),
            "journal",
            "production",
            Kind.DEPLOY,
            "1.1.0",
            "1.0.0",
            "ci",
            1,
            plan,
            status,
            attempt,
            status.phase().isPresent() ? NOW : null,
            "",
            7,
            false,
            List.of(),
            "",
            false,
            0);
    boolean pastBackup = status.ordinal() > Status.BACKUP.ordinal();
    return d.withBackupTaken(pastBackup && plan.backup());
  }
}
