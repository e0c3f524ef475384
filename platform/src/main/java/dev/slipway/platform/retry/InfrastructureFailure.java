package dev.slipway.platform.retry;

import dev.slipway.platform.db.DatabaseException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Optional;

/**
 * Sorts a failure of Slipway's own parts from a failure of what they work on: a database that is
 * down, an orchestrator that does not answer, or a call refused for its size may pass when tried
 * again, and none of them says anything about the release.
 */
public final class InfrastructureFailure {
  private InfrastructureFailure() {}

  /** The component that failed, when the failure is one that may pass if tried again. */
  public static Optional<String> transientComponent(RuntimeException failure) {
    if (failure instanceof StatusRuntimeException rpc) {
      return isTransient(rpc.getStatus().getCode())
          ? Optional.of("the orchestrator")
          : Optional.empty();
    }
    return DatabaseException.behind(failure)
        .filter(DatabaseException::isTransient)
        .map(db -> "its database");
  }

  /**
   * gRPC codes that say the peer or the path to it is in trouble, not that the request is wrong.
   * RESOURCE_EXHAUSTED is not one: a message over the size limit fails the same way every time.
   */
  public static boolean isTransient(Status.Code code) {
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.ABORTED;
  }
}
