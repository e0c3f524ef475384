package dev.slipway.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.orchestrator.domain.Decision.Ignored;
import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.DeploymentEvent.Finished;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseCompleted;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseStarted;
import dev.slipway.orchestrator.domain.Input.Abort;
import dev.slipway.orchestrator.domain.Input.Start;
import dev.slipway.orchestrator.domain.Input.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A rolling release through the machine: wave by wave, and back over the waves released. */
class RollingMachineTest {
  private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
  private static final Rolling THREE = new Rolling(List.of("a", "b", "c"), 1);

  @Test
  void wavesSplitTheInstancesInOrderAndARevertGoesBackLastFirst() {
    Rolling pairs = new Rolling(List.of("a", "b", "c", "d", "e"), 2);
    assertThat(pairs.waves()).isEqualTo(3);
    assertThat(pairs.wave(1)).containsExactly("a", "b");
    assertThat(pairs.wave(3)).containsExactly("e");
    assertThat(pairs.releasedUpTo(2)).containsExactly("d", "c", "b", "a");
    assertThat(pairs.releasedUpTo(3)).containsExactly("e", "d", "c", "b", "a");
    assertThatThrownBy(() -> new Rolling(List.of("a", "b"), 3))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Rolling(List.of("a", "a"), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aGoodReleaseDeploysAndVerifiesEachInstanceInTurn() {
    List<String> started = new ArrayList<>();
    Transition t = (Transition) DeploymentMachine.decide(requested(true), new Start(), NOW);
    while (!t.next().status().terminal()) {
      PhaseStarted s = (PhaseStarted) t.events().getLast();
      Deployment d = t.next();
      started.add(s.phase() + "/" + s.step() + " " + d.instancesFor(s.phase(), s.step()));
      if (s.phase() == Phase.DEPLOY) {
        assertThat(t.localStep()).contains(new LocalStep(Phase.DEPLOY, 1, s.step()));
      }
      t = result(d, s.phase(), Outcome.SUCCEEDED);
    }
    assertThat(started)
        .containsExactly(
            "DEPLOY/1 [a]",
            "VERIFY/1 [a]",
            "DEPLOY/2 [b]",
            "VERIFY/2 [b]",
            "DEPLOY/3 [c]",
            "VERIFY/3 [c]");
    assertThat(t.next().status()).isEqualTo(Status.SUCCEEDED);
  }

  @Test
  void withoutChecksTheWavesFollowOneAnother() {
    Transition t = (Transition) DeploymentMachine.decide(requested(false), new Start(), NOW);
    List<Integer> waves = new ArrayList<>();
    while (!t.next().status().terminal()) {
      waves.add(t.next().step());
      t = result(t.next(), Phase.DEPLOY, Outcome.SUCCEEDED);
    }
    assertThat(waves).containsExactly(1, 2, 3);
  }

  @Test
  void aFailureOfTheSecondRevertsItAndTheFirstAndNeverTouchesTheThird() {
    Deployment second = at(requested(true), Phase.VERIFY, 2);
    Transition t = result(second, Phase.VERIFY, Outcome.FAILED);
    assertThat(t.next().status()).isEqualTo(Status.REVERT);
    assertThat(t.next().reason()).isEqualTo("VERIFY wave 2 of 3 (b) failed: boom");
    assertThat(t.events().getFirst())
        .isEqualTo(new PhaseCompleted(Phase.VERIFY, 1, Outcome.FAILED, "boom", 2));
    assertThat(t.localStep()).contains(new LocalStep(Phase.REVERT, 1, 2));
    assertThat(t.next().instancesFor(Phase.REVERT, 2)).containsExactly("b", "a");

    Transition reverted = result(t.next(), Phase.REVERT, Outcome.SUCCEEDED);
    assertThat(reverted.next().status()).isEqualTo(Status.VERIFY_ROLLBACK);
    assertThat(((PhaseStarted) reverted.events().getLast()).step()).isEqualTo(2);
    Transition done = result(reverted.next(), Phase.VERIFY_ROLLBACK, Outcome.SUCCEEDED);
    assertThat(done.next().status()).isEqualTo(Status.ROLLED_BACK);
    assertThat(done.next().reason()).isEqualTo("VERIFY wave 2 of 3 (b) failed: boom");
  }

  @Test
  void aDeployThatCouldNotRunSaysWhichInstancesRunTheNewVersion() {
    Deployment deploying = at(requested(true), Phase.DEPLOY, 3);
    Transition t = result(deploying, Phase.DEPLOY, Outcome.ERRORED);
    assertThat(t.next().status()).isEqualTo(Status.FAILED);
    assertThat(((Finished) t.events().getLast()).reason())
        .isEqualTo(
            "DEPLOY wave 3 of 3 (c) could not run: boom; a, b already run version 1.1.0; nothing"
                + " was rolled back");
  }

  @Test
  void aReportOfAnEarlierWaveIsStaleAndAbortRollsBackFromAVerify() {
    Deployment second = at(requested(true), Phase.VERIFY, 2);
    assertThat(
            DeploymentMachine.decide(
                second, new StepResult(Phase.VERIFY, 1, Outcome.FAILED, "late", List.of(), 1), NOW))
        .isInstanceOf(Ignored.class);
    Transition aborted =
        (Transition) DeploymentMachine.decide(second, new Abort("bob", "slow"), NOW);
    assertThat(aborted.next().status()).isEqualTo(Status.REVERT);
    assertThat(aborted.next().step()).isEqualTo(2);
  }

  /** Walks a release until it is in {@code phase} at wave {@code wave}, every phase passing. */
  private static Deployment at(Deployment requested, Phase phase, int wave) {
    Deployment d = ((Transition) DeploymentMachine.decide(requested, new Start(), NOW)).next();
    while (d.step() < wave || d.status() != Status.running(phase)) {
      d = result(d, d.status().phase().orElseThrow(), Outcome.SUCCEEDED).next();
    }
    return d;
  }

  private static Transition result(Deployment d, Phase phase, Outcome outcome) {
    return Reports.result(d, phase, outcome, NOW);
  }

  /** A release of 1.1.0 over 1.0.0 across a, b and c, one at a time. */
  private static Deployment requested(boolean checks) {
    Plan plan =
        new Plan(false, false, false, checks, true, Plan.uniformTimeouts(Duration.ofMinutes(5)))
            .withRolling(THREE);
    return Deployment.requested(
        UUID.randomUUID(),
        "journal",
        "production",
        Kind.DEPLOY,
        "1.1.0",
        "1.0.0",
        "ci",
        1,
        plan,
        "");
  }
}
