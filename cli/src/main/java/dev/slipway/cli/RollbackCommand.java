package dev.slipway.cli;

import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.RollbackTargetRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description =
        "Return a target to its last good version (or --to one its ledger shows ran there) as a new"
            + " deployment.")
final class RollbackCommand implements Callable<Integer> {
  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Option(names = "--app", required = true, description = "Application.")
  String app;

  @Option(names = "--env", required = true, description = "Environment.")
  String environment;

  @Option(
      names = "--to",
      defaultValue = "",
      description = "Version to return to (default: the last good one).")
  String toVersion;

  @Option(
      names = "--force",
      description = "Roll back even to a version the target's ledger does not show ran there.")
  boolean force;

  @Option(names = "--reason", description = "Why, required with --force; kept on the deployment.")
  String reason;

  @Mixin Release release;

  @Override
  public Integer call() throws InterruptedException {
    try (Server server = root.connect()) {
      Deployment created =
          server
              .deployments()
              .rollbackTarget(
                  RollbackTargetRequest.newBuilder()
                      .setApp(app)
                      .setEnvironment(environment)
                      .setToVersion(toVersion)
                      .setIdempotencyKey(release.key())
                      .setForce(force)
                      .setForceReason(force && reason != null ? reason : "")
                      .build());
      return release.report(
          server, created, root, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }
}
