package dev.slipway.orchestrator.domain;

import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.Input.StepResult;
import java.time.Instant;
import java.util.List;

/** A worker's report of the deployment's current attempt of a phase, as the machine tests send. */
final class Reports {
  private Reports() {}

  /** The current attempt (and step) of {@code phase} ended {@code outcome}, saying "boom". */
  static Transition result(Deployment d, Phase phase, Outcome outcome, Instant now) {
    return (Transition)
        DeploymentMachine.decide(
            d,
            new StepResult(phase, d.attempt(), outcome, "boom", List.of(), d.stepOf(phase)),
            now);
  }
}
