package dev.slipway.cli;

import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.GetDeploymentRequest;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import picocli.CommandLine.Option;

/** What deploy and rollback share: the idempotency key, waiting, and reporting the outcome. */
final class Release {
  @Option(
      names = "--wait",
      description = "Follow the deployment to its end; the exit code says how it ended.")
  boolean wait;

  @Option(
      names = "--timeout",
      defaultValue = "30m",
      converter = DurationConverter.class,
      description =
          "With --wait: give up waiting after this long (exit 3); e.g. 90s, 30m (default ${DEFAULT-VALUE}).")
  Duration timeout;

  @Option(
      names = "--idempotency-key",
      defaultValue = "${env:SLIPWAY_IDEMPOTENCY_KEY}",
      description =
          "Same key, same deployment: a retried CI job never starts a second one (env SLIPWAY_IDEMPOTENCY_KEY).")
  String idempotencyKey;

  String key() {
    return idempotencyKey == null || idempotencyKey.isBlank()
        ? "cli:" + UUID.randomUUID()
        : idempotencyKey;
  }

  /** Prints the created deployment, or follows it and prints how it ended. */
  int report(Server server, Deployment created, SlipwayCli root, PrintWriter out, PrintWriter err)
      throws InterruptedException {
    if (!wait) {
      print(root, out, created);
      return ExitCode.SUCCEEDED;
    }
    Optional<DeploymentStatus> end = Watcher.follow(server, created.getId(), timeout, err);
    Deployment latest =
        server
            .deployments()
            .getDeployment(
                GetDeploymentRequest.newBuilder()
                    .setLogTail(Printer.LOG_TAIL)
                    .setDeploymentId(created.getId())
                    .build());
    print(root, out, latest);
    if (end.isEmpty()) {
      err.println(
          "still "
              + Printer.status(latest.getStatus())
              + " after "
              + timeout
              + "; follow it with: slipway status "
              + created.getId());
      err.flush();
      return ExitCode.TIMEOUT;
    }
    return ExitCode.of(end.get());
  }

  private static void print(SlipwayCli root, PrintWriter out, Deployment deployment) {
    if (root.output == SlipwayCli.Format.json) {
      Printer.json(out, deployment);
    } else {
      Printer.deployment(out, deployment, true);
    }
  }
}
