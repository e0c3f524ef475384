package dev.slipway.platform.worker;

import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.v1.Phase;
import java.time.Instant;
import java.util.UUID;

/**
 * One attempt of one phase (of one canary step: {@code step}, 0 outside the steps) that this
 * service must run and report.
 */
public record PhaseJob(UUID deploymentId, Phase phase, int attempt, Instant deadline, int step) {
  public PhaseJob(UUID deploymentId, Phase phase, int attempt, Instant deadline) {
    this(deploymentId, phase, attempt, deadline, 0);
  }

  /** Whether the deployment is in this job's phase attempt now, as its context says. */
  public boolean currentIn(StepContext context) {
    return context.getCurrentPhase() == phase
        && context.getCurrentStep() == step
        && context.getCurrentAttempt() == attempt;
  }
}
