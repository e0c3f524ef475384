package dev.slipway.cli;

import dev.slipway.proto.v1.CreateDeploymentRequest;
import dev.slipway.proto.v1.Deployment;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "deploy",
    mixinStandardHelpOptions = true,
    description = "Deploy a version of an application to an environment.")
final class DeployCommand implements Callable<Integer> {
  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Option(names = "--app", required = true, description = "Application.")
  String app;

  @Option(names = "--env", required = true, description = "Environment.")
  String environment;

  @Option(names = "--version", required = true, description = "Version to deploy.")
  String version;

  @Option(
      names = "--force",
      description = "Deploy even a quarantined version (one rolled back on this target).")
  boolean force;

  @Option(
      names = "--queue",
      description = "Wait behind the target's active deployment instead of being refused (QUEUED).")
  boolean queue;

  @Option(
      names = "--override-freeze",
      description =
          "Run even inside a freeze window of the environment; needs freeze:override:<env>.")
  boolean overrideFreeze;

  @Option(
      names = "--reason",
      description =
          "Why, required with --force and --override-freeze; kept on the deployment and its events.")
  String reason;

  @Mixin Release release;

  @Override
  public Integer call() throws InterruptedException {
    try (Server server = root.connect()) {
      CreateDeploymentRequest request =
          CreateDeploymentRequest.newBuilder()
              .setApp(app)
              .setEnvironment(environment)
              .setVersion(version)
              .setIdempotencyKey(release.key())
              .setForce(force)
              .setForceReason(force && reason != null ? reason : "")
              .setQueue(queue)
              .setOverrideFreeze(overrideFreeze)
              .setOverrideFreezeReason(overrideFreeze && reason != null ? reason : "")
              .build();
      Deployment created = createRetrying(server, request);
      return release.report(
          server, created, root, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }

  /** The same idempotency key makes a retry safe when an answer was lost. */
  private static Deployment createRetrying(Server server, CreateDeploymentRequest request)
      throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return server.deployments().createDeployment(request);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.UNAVAILABLE || attempt == 3) {
          throw e;
        }
        Thread.sleep(500L * attempt);
      }
    }
  }
}
