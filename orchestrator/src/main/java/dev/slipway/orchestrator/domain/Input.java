package dev.slipway.orchestrator.domain;

/** Everything that can move a deployment. */
public sealed interface Input {

  /** Start the first phase of a requested deployment. */
  record Start() implements Input {}

  /** A worker's (or the local step driver's) result for one attempt of one phase. */
  record StepResult(Phase phase, int attempt, boolean succeeded, String summary) implements Input {}

  /** The deadline of one attempt of one phase passed without a result. */
  record DeadlinePassed(Phase phase, int attempt) implements Input {}

  /** A local phase lost its runner (the orchestrator restarted): run it again as a new attempt. */
  record Resume(Phase phase, int attempt) implements Input {}

  /** A user asked to cancel. */
  record Cancel(String reason) implements Input {}
}
