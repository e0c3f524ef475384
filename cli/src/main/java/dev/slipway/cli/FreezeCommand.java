package dev.slipway.cli;

import dev.slipway.proto.v1.ApplyFreezeWindowRequest;
import dev.slipway.proto.v1.DeleteFreezeWindowRequest;
import dev.slipway.proto.v1.FreezeWindow;
import dev.slipway.proto.v1.ListFreezeWindowsRequest;
import dev.slipway.proto.v1.ListFreezeWindowsResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "freeze",
    mixinStandardHelpOptions = true,
    description = {
      "Freeze windows: times in which releases of an environment do not start.",
      "Recurring (cron, duration, IANA zone) or one-off (startsAt, endsAt), with a reason."
    },
    subcommands = {FreezeCommand.Apply.class, FreezeCommand.List.class, FreezeCommand.Delete.class})
final class FreezeCommand {
  @ParentCommand SlipwayCli root;

  private static void print(SlipwayCli root, PrintWriter out, FreezeWindow w) {
    if (root.output == SlipwayCli.Format.json) {
      Printer.json(out, w);
      return;
    }
    out.println(
        w.getEnvironment()
            + "/"
            + w.getName()
            + "  "
            + (w.getCron().isEmpty()
                ? Printer.DATE_TIME.format(Printer.instant(w.getStartsAt()))
                    + " -> "
                    + Printer.DATE_TIME.format(Printer.instant(w.getEndsAt()))
                : "'" + w.getCron() + "' for " + w.getDuration() + " in " + w.getZone())
            + (w.hasInForceUntil()
                ? "  IN FORCE until "
                    + Printer.DATE_TIME.format(Printer.instant(w.getInForceUntil()))
                : "")
            + "  — "
            + w.getReason());
    out.flush();
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = "Create or replace a window from a YAML or JSON file (needs admin).")
  static final class Apply implements Callable<Integer> {
    @ParentCommand FreezeCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = {"-f", "--file"},
        required = true,
        description = "The window file; - for standard input.")
    String file;

    @Override
    public Integer call() throws InterruptedException {
      String document = TargetCommand.readDocument(file);
      try (Server server = parent.root.connect()) {
        print(
            parent.root,
            spec.commandLine().getOut(),
            server
                .deployments()
                .applyFreezeWindow(
                    ApplyFreezeWindowRequest.newBuilder().setDocument(document).build()));
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Freeze windows.")
  static final class List implements Callable<Integer> {
    @ParentCommand FreezeCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--env", defaultValue = "", description = "Only this environment.")
    String environment;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        ListFreezeWindowsResponse windows =
            server
                .deployments()
                .listFreezeWindows(
                    ListFreezeWindowsRequest.newBuilder().setEnvironment(environment).build());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, windows);
        } else {
          windows.getWindowsList().forEach(w -> print(parent.root, out, w));
        }
        out.flush();
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a window.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand FreezeCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--env", required = true, description = "Environment.")
    String environment;

    @Option(names = "--name", required = true, description = "Window name.")
    String name;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        print(
            parent.root,
            spec.commandLine().getOut(),
            server
                .deployments()
                .deleteFreezeWindow(
                    DeleteFreezeWindowRequest.newBuilder()
                        .setEnvironment(environment)
                        .setName(name)
                        .build()));
        return ExitCode.SUCCEEDED;
      }
    }
  }
}
