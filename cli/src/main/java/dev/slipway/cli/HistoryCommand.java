package dev.slipway.cli;

import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.ListDeploymentsRequest;
import dev.slipway.proto.v1.ListDeploymentsResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "history",
    mixinStandardHelpOptions = true,
    description = "Deployments, newest first.")
final class HistoryCommand implements Callable<Integer> {
  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Option(names = "--app", defaultValue = "", description = "Only this application.")
  String app;

  @Option(names = "--env", defaultValue = "", description = "Only this environment.")
  String environment;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "Page size, at most 500 (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--page-token", defaultValue = "", description = "Continue from a previous page.")
  String pageToken;

  @Option(
      names = "--status",
      defaultValue = "",
      description = "Only deployments with this status (SUCCEEDED, FAILED, ROLLED_BACK, ...).")
  String status;

  @Option(
      names = "--by",
      defaultValue = "",
      description = "Only deployments requested by this token name.")
  String requestedBy;

  @Option(
      names = "--of-version",
      defaultValue = "",
      description = "Only deployments of this version.")
  String version;

  private DeploymentStatus status() {
    if (status.isBlank()) {
      return DeploymentStatus.DEPLOYMENT_STATUS_UNSPECIFIED;
    }
    String name = status.strip().toUpperCase(java.util.Locale.ROOT);
    try {
      return DeploymentStatus.valueOf(
          name.startsWith("DEPLOYMENT_STATUS_") ? name : "DEPLOYMENT_STATUS_" + name);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "--status: '" + status + "' is not a deployment status (e.g. SUCCEEDED, FAILED)");
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (Server server = root.connect()) {
      ListDeploymentsResponse page =
          server
              .deployments()
              .listDeployments(
                  ListDeploymentsRequest.newBuilder()
                      .setApp(app)
                      .setEnvironment(environment)
                      .setPageSize(limit)
                      .setPageToken(pageToken)
                      .setStatus(status())
                      .setRequestedBy(requestedBy)
                      .setVersion(version)
                      .build());
      if (root.output == SlipwayCli.Format.json) {
        Printer.json(out, page);
        return ExitCode.SUCCEEDED;
      }
      page.getDeploymentsList().forEach(d -> Printer.deployment(out, d, false));
      if (!page.getNextPageToken().isEmpty()) {
        out.println("more: slipway history --page-token " + page.getNextPageToken());
      }
      out.flush();
      return ExitCode.SUCCEEDED;
    }
  }
}
