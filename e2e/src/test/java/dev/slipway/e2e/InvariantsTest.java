package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentFinished;
import dev.slipway.proto.v1.DeploymentRequested;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseCompleted;
import dev.slipway.proto.v1.PhaseOutcome;
import dev.slipway.proto.v1.PhaseStarted;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker itself: it passes a deployment's life as it should be, and names each break. */
class InvariantsTest {
  private static final PhaseOutcome SUCCEEDED = PhaseOutcome.PHASE_OUTCOME_SUCCEEDED;
  private static final PhaseOutcome FAILED = PhaseOutcome.PHASE_OUTCOME_FAILED;
  private static final PhaseOutcome ERRORED = PhaseOutcome.PHASE_OUTCOME_ERRORED;

  @Test
  void aWholeLifePassesAndEachBreakInItIsNamed() {
    List<DeploymentEvent> life =
        List.of(
            requested(1),
            started(2, Phase.PHASE_DEPLOY, 1),
            completed(3, Phase.PHASE_DEPLOY, 1, ERRORED),
            started(4, Phase.PHASE_DEPLOY, 2),
            completed(5, Phase.PHASE_DEPLOY, 2, SUCCEEDED),
            finished(6));
    assertThat(Invariants.lifeOf("d", life, "SUCCEEDED")).isEmpty();

    List<DeploymentEvent> repeated = new ArrayList<>(life);
    repeated.add(3, life.get(2));
    assertThat(Invariants.lifeOf("d", repeated, "SUCCEEDED"))
        .anyMatch(v -> v.contains("twice on the topic"))
        .anyMatch(v -> v.contains("never started"))
        .anyMatch(v -> v.contains("where 4 belongs"));

    List<DeploymentEvent> sameAttempt =
        List.of(
            requested(1),
            started(2, Phase.PHASE_DEPLOY, 1),
            completed(3, Phase.PHASE_DEPLOY, 1, ERRORED),
            started(4, Phase.PHASE_DEPLOY, 1),
            completed(5, Phase.PHASE_DEPLOY, 1, SUCCEEDED),
            finished(6));
    assertThat(Invariants.lifeOf("d", sameAttempt, "SUCCEEDED"))
        .singleElement()
        .satisfies(v -> assertThat(v).contains("attempt 1 is not a new one"));

    assertThat(Invariants.lifeOf("d", life.subList(0, 4), "SUCCEEDED"))
        .anyMatch(v -> v.contains("no finished event last"));
    assertThat(Invariants.lifeOf("d", life, "ROLLED_BACK"))
        .anyMatch(v -> v.contains("but stored as ROLLED_BACK"))
        .anyMatch(v -> v.contains("ROLLED_BACK after PHASE_DEPLOY ended PHASE_OUTCOME_SUCCEEDED"));
    List<DeploymentEvent> afterTheEnd = new ArrayList<>(life);
    afterTheEnd.add(started(7, Phase.PHASE_VERIFY, 1));
    assertThat(Invariants.lifeOf("d", afterTheEnd, "SUCCEEDED"))
        .anyMatch(v -> v.contains("an event after finished"));
  }

  @Test
  void aPhaseOutOfTheLifeOfADeploymentIsNamed() {
    assertThat(
            Invariants.lifeOf(
                "d",
                List.of(
                    requested(1),
                    started(2, Phase.PHASE_VERIFY, 1),
                    completed(3, Phase.PHASE_VERIFY, 1, SUCCEEDED),
                    finished(4)),
                "SUCCEEDED"))
        .singleElement()
        .satisfies(v -> assertThat(v).contains("PHASE_VERIFY cannot come first"));
    List<DeploymentEvent> failedThenBackedUp =
        List.of(
            requested(1),
            started(2, Phase.PHASE_DEPLOY, 1),
            completed(3, Phase.PHASE_DEPLOY, 1, FAILED),
            started(4, Phase.PHASE_BACKUP, 1),
            completed(5, Phase.PHASE_BACKUP, 1, SUCCEEDED),
            finished(6));
    assertThat(Invariants.lifeOf("d", failedThenBackedUp, "SUCCEEDED"))
        .singleElement()
        .satisfies(
            v ->
                assertThat(v)
                    .contains(
                        "PHASE_BACKUP started after PHASE_DEPLOY ended PHASE_OUTCOME_FAILED"));
    List<DeploymentEvent> rolledBack =
        List.of(
            requested(1),
            started(2, Phase.PHASE_DEPLOY, 1),
            completed(3, Phase.PHASE_DEPLOY, 1, SUCCEEDED),
            started(4, Phase.PHASE_VERIFY, 1),
            completed(5, Phase.PHASE_VERIFY, 1, FAILED),
            started(6, Phase.PHASE_REVERT, 1),
            completed(7, Phase.PHASE_REVERT, 1, SUCCEEDED),
            finished(8));
    assertThat(Invariants.lifeOf("d", rolledBack, "ROLLED_BACK"))
        .singleElement()
        .satisfies(v -> assertThat(v).contains("but stored as ROLLED_BACK"));
  }

  private static DeploymentEvent.Builder event(long sequence) {
    return DeploymentEvent.newBuilder().setEventId("e" + sequence).setSequence(sequence);
  }

  private static DeploymentEvent requested(long sequence) {
    return event(sequence).setRequested(DeploymentRequested.getDefaultInstance()).build();
  }

  private static DeploymentEvent started(long sequence, Phase phase, int attempt) {
    return event(sequence)
        .setPhaseStarted(PhaseStarted.newBuilder().setPhase(phase).setAttempt(attempt))
        .build();
  }

  private static DeploymentEvent completed(
      long sequence, Phase phase, int attempt, PhaseOutcome outcome) {
    return event(sequence)
        .setPhaseCompleted(
            PhaseCompleted.newBuilder().setPhase(phase).setAttempt(attempt).setOutcome(outcome))
        .build();
  }

  private static DeploymentEvent finished(long sequence) {
    return event(sequence)
        .setFinished(
            DeploymentFinished.newBuilder().setStatus(DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED))
        .build();
  }
}
