package dev.slipway.orchestrator.domain;

import java.util.List;
import java.util.Optional;

/** The outcome of one input: a transition to apply, or why nothing changes. */
public sealed interface Decision {

  /**
   * Apply this: store {@code next}, publish {@code events} in order, then run {@code localStep} (a
   * command of DEPLOY, SWITCH, WEIGHT or REVERT) once committed.
   */
  record Transition(Deployment next, List<DeploymentEvent> events, Optional<LocalStep> localStep)
      implements Decision {
    public Transition {
      events = List.copyOf(events);
    }
  }

  /** The input is harmless but changes nothing: a duplicate or stale report, a late deadline. */
  record Ignored(String why) implements Decision {}

  /** The input is not allowed now; the caller is told why. */
  record Refused(String why) implements Decision {}

  /** A local phase attempt the orchestrator must run; {@code step}: a canary's WEIGHT step. */
  record LocalStep(Phase phase, int attempt, int step) {
    public LocalStep(Phase phase, int attempt) {
      this(phase, attempt, 0);
    }
  }
}
