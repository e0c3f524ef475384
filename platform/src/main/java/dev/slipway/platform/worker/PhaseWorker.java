package dev.slipway.platform.worker;

import dev.slipway.proto.internal.v1.Evidence;
import dev.slipway.proto.v1.Phase;
import java.util.List;
import java.util.Set;

/** What a worker service does for the phases it owns (health checks, backups). */
public interface PhaseWorker {
  /** The phases this service runs. */
  Set<Phase> phases();

  /** Runs one phase attempt to its verdict. */
  Result run(PhaseJob job) throws InterruptedException;

  /** The verdict reported to the orchestrator. */
  record Result(boolean succeeded, String summary, List<Evidence> evidence) {
    public static Result failed(String summary) {
      return new Result(false, summary, List.of());
    }
  }
}
