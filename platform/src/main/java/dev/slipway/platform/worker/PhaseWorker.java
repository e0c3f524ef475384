package dev.slipway.platform.worker;

import dev.slipway.platform.process.StopSignal;
import dev.slipway.proto.internal.v1.Evidence;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;
import java.util.List;
import java.util.Set;

/** What a worker service does for the phases it owns (health checks, backups). */
public interface PhaseWorker {
  /** The phases this service runs. */
  Set<Phase> phases();

  /**
   * Runs one phase attempt to its verdict, stopping what it runs as soon as {@code stop} fires (the
   * job's deadline passed, or this replica lost the job's lease).
   */
  Result run(PhaseJob job, StepContext context, StopSignal stop) throws InterruptedException;

  /**
   * The verdict reported to the orchestrator: SUCCEEDED, FAILED (what the worker looked at is bad)
   * or ERRORED (the worker could not look).
   */
  record Result(PhaseOutcome outcome, String summary, List<Evidence> evidence) {
    public static Result of(boolean passed, String summary, List<Evidence> evidence) {
      return new Result(
          passed ? PhaseOutcome.PHASE_OUTCOME_SUCCEEDED : PhaseOutcome.PHASE_OUTCOME_FAILED,
          summary,
          evidence);
    }

    public static Result failed(String summary) {
      return of(false, summary, List.of());
    }

    public static Result errored(String summary) {
      return new Result(PhaseOutcome.PHASE_OUTCOME_ERRORED, summary, List.of());
    }

    public boolean succeeded() {
      return outcome == PhaseOutcome.PHASE_OUTCOME_SUCCEEDED;
    }
  }
}
