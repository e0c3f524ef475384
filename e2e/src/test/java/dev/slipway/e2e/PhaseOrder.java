package dev.slipway.e2e;

import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The life of a deployment as its users are told it goes, written down apart from the
 * orchestrator's state machine: which phase may start after which, by how the last one ended, and
 * how a deployment may end after its last phase.
 */
final class PhaseOrder {
  private static final Set<Phase> FIRST =
      EnumSet.of(
          Phase.PHASE_PREFLIGHT,
          Phase.PHASE_BACKUP,
          Phase.PHASE_DEPLOY,
          Phase.PHASE_SNAPSHOT,
          Phase.PHASE_REVERT);
  private static final Map<Phase, Set<Phase>> AFTER_SUCCESS =
      Map.ofEntries(
          Map.entry(Phase.PHASE_PREFLIGHT, EnumSet.of(Phase.PHASE_BACKUP, Phase.PHASE_DEPLOY)),
          Map.entry(Phase.PHASE_BACKUP, EnumSet.of(Phase.PHASE_DEPLOY)),
          // Rolling: a wave's DEPLOY (without checks) or VERIFY is followed by the next wave's.
          Map.entry(
              Phase.PHASE_DEPLOY,
              EnumSet.of(
                  Phase.PHASE_VERIFY,
                  Phase.PHASE_BAKE,
                  Phase.PHASE_SWITCH,
                  Phase.PHASE_WEIGHT,
                  Phase.PHASE_DEPLOY)),
          Map.entry(
              Phase.PHASE_VERIFY,
              EnumSet.of(
                  Phase.PHASE_BAKE, Phase.PHASE_SWITCH, Phase.PHASE_WEIGHT, Phase.PHASE_DEPLOY)),
          Map.entry(Phase.PHASE_SWITCH, EnumSet.of(Phase.PHASE_VERIFY_LIVE)),
          Map.entry(Phase.PHASE_VERIFY_LIVE, EnumSet.of(Phase.PHASE_BAKE)),
          Map.entry(
              Phase.PHASE_WEIGHT,
              EnumSet.of(Phase.PHASE_ANALYSIS, Phase.PHASE_WEIGHT, Phase.PHASE_BAKE)),
          Map.entry(Phase.PHASE_ANALYSIS, EnumSet.of(Phase.PHASE_WEIGHT, Phase.PHASE_BAKE)),
          Map.entry(Phase.PHASE_SNAPSHOT, EnumSet.of(Phase.PHASE_RESTORE, Phase.PHASE_REVERT)),
          Map.entry(Phase.PHASE_RESTORE, EnumSet.of(Phase.PHASE_VERIFY, Phase.PHASE_REVERT)),
          Map.entry(Phase.PHASE_REVERT, EnumSet.of(Phase.PHASE_VERIFY_ROLLBACK)));

  /** A failed release is rolled back: its broken state snapshotted first, or reverted at once. */
  private static final Set<Phase> ROLLED_BACK_WHEN_FAILED =
      EnumSet.of(
          Phase.PHASE_DEPLOY,
          Phase.PHASE_VERIFY,
          Phase.PHASE_SWITCH,
          Phase.PHASE_VERIFY_LIVE,
          Phase.PHASE_WEIGHT,
          Phase.PHASE_ANALYSIS,
          Phase.PHASE_BAKE);

  /** Blue-green phases before the switch: failing there leaves traffic where it was. */
  private static final Set<Phase> BEFORE_THE_SWITCH =
      EnumSet.of(Phase.PHASE_DEPLOY, Phase.PHASE_VERIFY);

  private static final Set<Phase> ROLLBACK =
      EnumSet.of(
          Phase.PHASE_SNAPSHOT,
          Phase.PHASE_RESTORE,
          Phase.PHASE_REVERT,
          Phase.PHASE_VERIFY_ROLLBACK);

  private PhaseOrder() {}

  /** Why {@code next} may not start after {@code last} ended so (last null: nothing ran yet). */
  static Optional<String> refusesStart(Phase last, PhaseOutcome outcome, Phase next) {
    if (last == null) {
      return FIRST.contains(next) ? Optional.empty() : Optional.of(next + " cannot come first");
    }
    Set<Phase> allowed =
        switch (outcome) {
          case PHASE_OUTCOME_SUCCEEDED -> AFTER_SUCCESS.getOrDefault(last, Set.of());
          case PHASE_OUTCOME_FAILED ->
              ROLLED_BACK_WHEN_FAILED.contains(last)
                  ? EnumSet.of(Phase.PHASE_SNAPSHOT, Phase.PHASE_REVERT)
                  : Set.of();
          // Slipway's own failure: the phase runs again, as a new attempt.
          case PHASE_OUTCOME_ERRORED -> EnumSet.of(last);
          // A canary step with no data: the next step (continue, or promoted from its pause) or
          // the way back (fail, or aborted).
          case PHASE_OUTCOME_NO_DATA ->
              EnumSet.of(Phase.PHASE_WEIGHT, Phase.PHASE_SNAPSHOT, Phase.PHASE_REVERT);
          default -> Set.of();
        };
    return allowed.contains(next)
        ? Optional.empty()
        : Optional.of(next + " started after " + last + " ended " + outcome);
  }

  /**
   * Why a deployment may not end {@code status} after its last phase ended so; a blue-green release
   * that fails before its switch is rolled back by never moving traffic.
   */
  static Optional<String> refusesEnd(
      Phase last, PhaseOutcome outcome, String status, boolean blueGreen) {
    boolean succeeded = outcome == PhaseOutcome.PHASE_OUTCOME_SUCCEEDED;
    if (status.equals("ROLLED_BACK")
        && blueGreen
        && outcome == PhaseOutcome.PHASE_OUTCOME_FAILED
        && BEFORE_THE_SWITCH.contains(last)) {
      return Optional.empty();
    }
    return switch (status) {
      case "SUCCEEDED" ->
          last != null && succeeded
              ? Optional.empty()
              : Optional.of("SUCCEEDED after " + last + " ended " + outcome);
      case "ROLLED_BACK" ->
          succeeded && ROLLBACK.contains(last)
              ? Optional.empty()
              : Optional.of("ROLLED_BACK after " + last + " ended " + outcome);
      case "ROLLBACK_FAILED" ->
          !succeeded && ROLLBACK.contains(last)
              ? Optional.empty()
              : Optional.of("ROLLBACK_FAILED after " + last + " ended " + outcome);
      default -> Optional.empty();
    };
  }
}
