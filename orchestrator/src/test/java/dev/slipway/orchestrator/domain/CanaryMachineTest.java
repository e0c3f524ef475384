package dev.slipway.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.orchestrator.domain.Decision.Ignored;
import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Decision.Refused;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.DeploymentEvent.Finished;
import dev.slipway.orchestrator.domain.DeploymentEvent.Paused;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseCompleted;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseStarted;
import dev.slipway.orchestrator.domain.DeploymentEvent.Resumed;
import dev.slipway.orchestrator.domain.Input.Abort;
import dev.slipway.orchestrator.domain.Input.Cancel;
import dev.slipway.orchestrator.domain.Input.Promote;
import dev.slipway.orchestrator.domain.Input.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A canary's steps through the machine: weights, analyses, the noData policies, promote, abort. */
class CanaryMachineTest {
  private static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  private static final List<Canary.Step> STEPS =
      List.of(
          new Canary.Step(10, Duration.ofMinutes(2)),
          new Canary.Step(50, Duration.ofMinutes(5)),
          new Canary.Step(100, Duration.ZERO));

  @Test
  void aGoodCanaryWalksEveryStepInOrderAndSucceedsAtTheLast() {
    Deployment d = verified(Canary.NoData.PAUSE);
    List<String> started = new ArrayList<>();
    Transition t = result(d, Phase.VERIFY, Outcome.SUCCEEDED);
    while (!t.next().status().terminal()) {
      PhaseStarted s = (PhaseStarted) t.events().getLast();
      started.add(s.phase() + "/" + s.step() + "@" + t.next().weight());
      if (s.phase() == Phase.WEIGHT) {
        assertThat(t.localStep()).contains(new LocalStep(Phase.WEIGHT, 1, s.step()));
      } else {
        assertThat(s.deadline())
            .as("an analysis may run its pause on top of the phase's margin")
            .isEqualTo(NOW.plus(TIMEOUT).plus(STEPS.get(s.step() - 1).pause()));
      }
      t = result(t.next(), s.phase(), Outcome.SUCCEEDED);
    }
    assertThat(started)
        .containsExactly(
            "WEIGHT/1@10", "ANALYSIS/1@10", "WEIGHT/2@50", "ANALYSIS/2@50", "WEIGHT/3@100");
    assertThat(t.next().status()).isEqualTo(Status.SUCCEEDED);
  }

  @Test
  void aFailedAnalysisAtFiftyRollsBackNamingTheStep() {
    Deployment analysing = at(2, Canary.NoData.PAUSE);
    Transition t = result(analysing, Phase.ANALYSIS, Outcome.FAILED);
    assertThat(t.next().status()).isEqualTo(Status.REVERT);
    assertThat(t.next().reason()).isEqualTo("ANALYSIS step 2 (50%) failed: boom");
    assertThat(t.next().step()).as("the revert knows a weight was set").isEqualTo(2);
    assertThat(t.events().getFirst())
        .isEqualTo(new PhaseCompleted(Phase.ANALYSIS, 1, Outcome.FAILED, "boom", 2));
    assertThat(t.localStep()).contains(new LocalStep(Phase.REVERT, 1, 0));
  }

  @Test
  void aReportOfAnEarlierStepIsStale() {
    Deployment analysing = at(2, Canary.NoData.PAUSE);
    assertThat(
            DeploymentMachine.decide(
                analysing,
                new StepResult(Phase.ANALYSIS, 1, Outcome.FAILED, "late", List.of(), 1),
                NOW))
        .isInstanceOf(Ignored.class);
  }

  @Test
  void noDataUnderPausePausesWithTheReasonThenPromoteGoesOnAndAbortRollsBack() {
    Transition t = result(at(2, Canary.NoData.PAUSE), Phase.ANALYSIS, Outcome.NO_DATA);
    Deployment paused = t.next();
    assertThat(paused.status()).isEqualTo(Status.PAUSED);
    assertThat(paused.deadline()).isNull();
    assertThat(paused.reason())
        .isEqualTo(
            "ANALYSIS step 2 (50%) saw no data: boom (noData: pause); promote to go on with the"
                + " next step, or abort to roll back");
    assertThat(t.events())
        .containsExactly(
            new PhaseCompleted(Phase.ANALYSIS, 1, Outcome.NO_DATA, "boom", 2),
            new Paused(2, 50, paused.reason()));
    assertThat(DeploymentMachine.decide(paused, new Cancel("no"), NOW))
        .as("traffic is already on the new version")
        .isInstanceOf(Refused.class);

    Transition promoted = (Transition) DeploymentMachine.decide(paused, new Promote("bob"), NOW);
    assertThat(promoted.events().getFirst()).isEqualTo(new Resumed("bob", 2));
    assertThat(promoted.next().status()).isEqualTo(Status.WEIGHT);
    assertThat(promoted.next().step()).isEqualTo(3);
    assertThat(promoted.next().reason()).isEmpty();

    Transition aborted =
        (Transition) DeploymentMachine.decide(paused, new Abort("bob", "no traffic"), NOW);
    assertThat(aborted.next().status()).isEqualTo(Status.REVERT);
    assertThat(aborted.next().reason()).isEqualTo("aborted by bob: no traffic");
    assertThat(aborted.events()).hasSize(1);
  }

  @Test
  void noDataUnderContinueGoesOnAndUnderFailRollsBack() {
    Transition continued = result(at(1, Canary.NoData.CONTINUE), Phase.ANALYSIS, Outcome.NO_DATA);
    assertThat(continued.next().status()).isEqualTo(Status.WEIGHT);
    assertThat(continued.next().step()).isEqualTo(2);

    Transition failed = result(at(1, Canary.NoData.FAIL), Phase.ANALYSIS, Outcome.NO_DATA);
    assertThat(failed.next().status()).isEqualTo(Status.REVERT);
    assertThat(failed.next().reason())
        .isEqualTo("ANALYSIS step 1 (10%) saw no data: boom (noData: fail)");
  }

  @Test
  void promoteEndsAnAnalysisEarlyAsPassed() {
    Transition t =
        (Transition)
            DeploymentMachine.decide(at(1, Canary.NoData.PAUSE), new Promote("alice"), NOW);
    assertThat(t.events().getFirst())
        .isEqualTo(
            new PhaseCompleted(
                Phase.ANALYSIS,
                1,
                Outcome.SUCCEEDED,
                "promoted by alice before the pause ended",
                1));
    assertThat(t.next().status()).isEqualTo(Status.WEIGHT);
    assertThat(t.next().step()).isEqualTo(2);
  }

  @Test
  void abortIsRefusedWhileTheWeightCommandRuns() {
    Deployment weighting = weighting(verified(Canary.NoData.PAUSE));
    assertThat(DeploymentMachine.decide(weighting, new Abort("bob", "x"), NOW))
        .isEqualTo(
            new Refused(
                "cannot abort during WEIGHT: its command is running; abort once it is done"));
  }

  @Test
  void aWeightThatCouldNotRunStopsWithoutRollingBackAndSaysHowMuchTrafficMayHaveMoved() {
    Transition t = result(weighting(verified(Canary.NoData.PAUSE)), Phase.WEIGHT, Outcome.ERRORED);
    assertThat(t.next().status()).isEqualTo(Status.FAILED);
    assertThat(((Finished) t.events().getLast()).reason())
        .isEqualTo(
            "WEIGHT step 1 (10%) could not run: boom; up to 10% of traffic may be on version"
                + " 1.1.0, and nothing was rolled back");
  }

  private static Deployment weighting(Deployment verifying) {
    return result(verifying, Phase.VERIFY, Outcome.SUCCEEDED).next();
  }

  /** Analysing step {@code step}. */
  private static Deployment at(int step, Canary.NoData noData) {
    Deployment d = weighting(verified(noData));
    while (d.step() < step || d.status() != Status.ANALYSIS) {
      d = result(d, d.status().phase().orElseThrow(), Outcome.SUCCEEDED).next();
    }
    return d;
  }

  private static Transition result(Deployment d, Phase phase, Outcome outcome) {
    return Reports.result(d, phase, outcome, NOW);
  }

  /** In VERIFY, after the deploy of 1.1.0 over 1.0.0. */
  private static Deployment verified(Canary.NoData noData) {
    Plan plan =
        new Plan(false, false, false, true, true, Plan.uniformTimeouts(TIMEOUT))
            .withCanary(new Canary(STEPS, noData));
    return new Deployment(
        UUID.randomUUID(),
        "journal",
        "production",
        Kind.DEPLOY,
        "1.1.0",
        "1.0.0",
        "ci",
        1,
        plan,
        Status.VERIFY,
        1,
        NOW,
        "",
        7,
        false,
        List.of(),
        "",
        false,
        0);
  }
}
