package dev.slipway.cli;

import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.WatchDeploymentRequest;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Follows a deployment's events until it finishes; resumes from the last sequence after a drop. */
final class Watcher {
  private Watcher() {}

  /** The terminal status, or empty when {@code timeout} passed first. */
  static Optional<DeploymentStatus> follow(
      Server server, String deploymentId, Duration timeout, PrintWriter err)
      throws InterruptedException {
    Deadline deadline = Deadline.after(timeout.toMillis(), TimeUnit.MILLISECONDS);
    long after = 0;
    while (!deadline.isExpired()) {
      try {
        Iterator<DeploymentEvent> events =
            server
                .streams()
                .withDeadline(deadline)
                .watchDeployment(
                    WatchDeploymentRequest.newBuilder()
                        .setDeploymentId(deploymentId)
                        .setAfterSequence(after)
                        .build());
        while (events.hasNext()) {
          DeploymentEvent event = events.next();
          Printer.progress(err, event);
          after = event.getSequence();
          if (event.hasFinished()) {
            return Optional.of(event.getFinished().getStatus());
          }
        }
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.DEADLINE_EXCEEDED) {
          break;
        }
        if (code != Status.Code.UNAVAILABLE || after == 0) {
          throw e;
        }
        err.println("connection to " + server.address() + " lost; resuming after event " + after);
        err.flush();
        Thread.sleep(1000);
      }
    }
    return Optional.empty();
  }
}
