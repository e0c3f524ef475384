package dev.slipway.cli;

import dev.slipway.proto.v1.CancelDeploymentRequest;
import dev.slipway.proto.v1.Deployment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description = "Cancel a deployment that has not changed anything yet.")
final class CancelCommand implements Callable<Integer> {
  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DEPLOYMENT_ID")
  String id;

  @Option(names = "--reason", defaultValue = "", description = "Why.")
  String reason;

  @Override
  public Integer call() throws InterruptedException {
    try (Server server = root.connect()) {
      Deployment d =
          server
              .deployments()
              .cancelDeployment(
                  CancelDeploymentRequest.newBuilder()
                      .setDeploymentId(id)
                      .setReason(reason)
                      .build());
      if (root.output == SlipwayCli.Format.json) {
        Printer.json(spec.commandLine().getOut(), d);
      } else {
        Printer.deployment(spec.commandLine().getOut(), d, false);
      }
      return ExitCode.SUCCEEDED;
    }
  }
}
