package dev.slipway.cli;

import dev.slipway.proto.v1.ListQuarantinedRequest;
import dev.slipway.proto.v1.ListQuarantinedResponse;
import dev.slipway.proto.v1.QuarantinedVersion;
import dev.slipway.proto.v1.ReleaseQuarantinedRequest;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "quarantine",
    mixinStandardHelpOptions = true,
    description = {
      "Versions rolled back on a target, which may not be deployed there again",
      "unless released, or deployed with --force --reason."
    },
    subcommands = {QuarantineCommand.List.class, QuarantineCommand.Release.class})
final class QuarantineCommand {
  @ParentCommand SlipwayCli root;

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Quarantined versions.")
  static final class List implements Callable<Integer> {
    @ParentCommand QuarantineCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--app", defaultValue = "", description = "Only this application.")
    String app;

    @Option(names = "--env", defaultValue = "", description = "Only this environment.")
    String environment;

    @Option(names = "--all", description = "Also versions released from quarantine.")
    boolean all;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        ListQuarantinedResponse versions =
            server
                .deployments()
                .listQuarantined(
                    ListQuarantinedRequest.newBuilder()
                        .setApp(app)
                        .setEnvironment(environment)
                        .setIncludeReleased(all)
                        .build());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, versions);
        } else {
          versions.getVersionsList().forEach(v -> print(out, v));
        }
        out.flush();
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(
      name = "release",
      mixinStandardHelpOptions = true,
      description = "Let a quarantined version be deployed again; the reason is recorded.")
  static final class Release implements Callable<Integer> {
    @ParentCommand QuarantineCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--app", required = true)
    String app;

    @Option(names = "--env", required = true)
    String environment;

    @Option(names = "--version", required = true)
    String version;

    @Option(names = "--reason", required = true, description = "Why it may be deployed again.")
    String reason;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        QuarantinedVersion released =
            server
                .deployments()
                .releaseQuarantined(
                    ReleaseQuarantinedRequest.newBuilder()
                        .setApp(app)
                        .setEnvironment(environment)
                        .setVersion(version)
                        .setReason(reason)
                        .build());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, released);
        } else {
          print(out, released);
        }
        out.flush();
        return ExitCode.SUCCEEDED;
      }
    }
  }

  private static void print(PrintWriter out, QuarantinedVersion v) {
    out.println(
        v.getTarget().getApp()
            + "/"
            + v.getTarget().getEnvironment()
            + "  "
            + v.getVersion()
            + "  rolled back by "
            + v.getDeploymentId()
            + ": "
            + v.getReason()
            + (v.hasReleasedAt()
                ? "  (released by " + v.getReleasedBy() + ": " + v.getReleaseReason() + ")"
                : ""));
  }
}
