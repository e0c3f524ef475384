package dev.slipway.platform.worker;

import dev.slipway.platform.process.StopSignal;
import dev.slipway.proto.internal.v1.Evidence;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.v1.Phase;
import java.util.List;
import java.util.Set;

/** What a worker service does for the phases it owns (health checks, backups). */
public interface PhaseWorker {
  /** The phases this service runs. */
  Set<Phase> phases();

  /**
   * Runs one phase attempt to its verdict, stopping what it runs as soon as {@code stop} fires
   * (the job's deadline passed, or this replica lost the job's lease).
   */
  Result run(PhaseJob job, StepContext context, StopSignal stop) throws InterruptedException;

  /** The verdict reported to the orchestrator. */
  record Result(boolean succeeded, String summary, List<Evidence> evidence) {
    public static Result failed(String summary) {
      return new Result(false, summary, List.of());
    }
  }
}
