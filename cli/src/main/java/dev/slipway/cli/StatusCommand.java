package dev.slipway.cli;

import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.GetTargetRequest;
import dev.slipway.proto.v1.Target;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "What runs where.",
      "  slipway status                    every target",
      "  slipway status --app A --env E    one target and its last deployment",
      "  slipway status DEPLOYMENT_ID      one deployment with its phases"
    })
final class StatusCommand implements Callable<Integer> {
  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "DEPLOYMENT_ID")
  String id;

  @Option(names = "--app", description = "Application.")
  String app;

  @Option(names = "--env", description = "Environment.")
  String environment;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    boolean json = root.output == SlipwayCli.Format.json;
    try (Server server = root.connect()) {
      if (id != null) {
        Deployment d =
            server
                .deployments()
                .getDeployment(
                    GetDeploymentRequest.newBuilder()
                        .setLogTail(Printer.LOG_TAIL)
                        .setDeploymentId(id)
                        .build());
        if (json) {
          Printer.json(out, d);
        } else {
          Printer.deployment(out, d, true);
        }
        return ExitCode.SUCCEEDED;
      }
      if (app != null || environment != null) {
        if (app == null || environment == null) {
          throw new SlipwayCli.UsageError("give both --app and --env, or neither");
        }
        Target target =
            server
                .deployments()
                .getTarget(
                    GetTargetRequest.newBuilder().setApp(app).setEnvironment(environment).build());
        if (json) {
          Printer.json(out, target);
          return ExitCode.SUCCEEDED;
        }
        line(out, target);
        if (!target.getCurrentSlot().isEmpty()) {
          out.println("serving from slot: " + target.getCurrentSlot());
        }
        if (target.hasCurrentHealth()) {
          out.println("health: " + Printer.health(target.getCurrentHealth(), Instant.now()));
        }
        if (!target.getLastDeploymentId().isEmpty()) {
          Printer.deployment(
              out,
              server
                  .deployments()
                  .getDeployment(
                      GetDeploymentRequest.newBuilder()
                          .setLogTail(Printer.LOG_TAIL)
                          .setDeploymentId(target.getLastDeploymentId())
                          .build()),
              true);
        }
        return ExitCode.SUCCEEDED;
      }
      if (!json) {
        out.printf(
            "%-32s %-16s %-26s %-16s %-10s %s%n",
            "TARGET", "VERSION", "SINCE", "BY", "REVISION", "LAST DEPLOYMENT");
      }
      TargetCommand.eachPage(
          server,
          page -> {
            if (json) {
              Printer.json(out, page);
            } else {
              page.getTargetsList().forEach(t -> line(out, t));
            }
          });
      out.flush();
      return ExitCode.SUCCEEDED;
    }
  }

  private static void line(PrintWriter out, Target t) {
    out.printf(
        "%-32s %-16s %-26s %-16s %-10d %s%n",
        t.getSpec().getApp() + "/" + t.getSpec().getEnvironment(),
        t.getCurrentVersion().isEmpty() ? "-" : t.getCurrentVersion(),
        t.hasCurrentSince() ? Printer.DATE_TIME.format(Printer.instant(t.getCurrentSince())) : "-",
        t.getCurrentDeployedBy().isEmpty() ? "-" : t.getCurrentDeployedBy(),
        t.getRevision(),
        t.getLastDeploymentId().isEmpty() ? "-" : t.getLastDeploymentId());
    out.flush();
  }
}
