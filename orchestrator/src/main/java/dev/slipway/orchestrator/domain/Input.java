package dev.slipway.orchestrator.domain;

/** Everything that can move a deployment. */
public sealed interface Input {

  /** Start the first phase of a requested deployment. */
  record Start() implements Input {}

  /**
   * A worker's (or the local step driver's) result for one attempt of one phase. The summary travels
   * in events, notifications and the phase record: it is cut to {@link #MAX_SUMMARY} characters.
   */
  record StepResult(Phase phase, int attempt, boolean succeeded, String summary) implements Input {
    public static final int MAX_SUMMARY = 2_000;

    public StepResult {
      summary = summary.length() <= MAX_SUMMARY ? summary : summary.substring(0, MAX_SUMMARY) + "…";
    }
  }

  /** The deadline of one attempt of one phase passed without a result. */
  record DeadlinePassed(Phase phase, int attempt) implements Input {}

  /** A local phase lost its runner (the orchestrator restarted): run it again as a new attempt. */
  record Resume(Phase phase, int attempt) implements Input {}

  /** A user asked to cancel. */
  record Cancel(String reason) implements Input {
    public Cancel {
      reason = reason.length() <= StepResult.MAX_SUMMARY ? reason : reason.substring(0, StepResult.MAX_SUMMARY) + "…";
    }
  }
}
