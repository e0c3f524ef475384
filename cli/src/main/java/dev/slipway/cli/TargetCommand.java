package dev.slipway.cli;

import dev.slipway.proto.v1.ApplyTargetRequest;
import dev.slipway.proto.v1.GetTargetRequest;
import dev.slipway.proto.v1.ListTargetsRequest;
import dev.slipway.proto.v1.ListTargetsResponse;
import dev.slipway.proto.v1.Target;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "target",
    mixinStandardHelpOptions = true,
    description = "Register and read targets.",
    subcommands = {TargetCommand.Apply.class, TargetCommand.Get.class, TargetCommand.List.class})
final class TargetCommand {
  @ParentCommand SlipwayCli root;

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = "Register or replace a target from YAML or JSON.")
  static final class Apply implements Callable<Integer> {
    @ParentCommand TargetCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = {"-f", "--file"},
        required = true,
        description = "The spec file; - for standard input.")
    String file;

    @Override
    public Integer call() throws InterruptedException {
      String document = readDocument(file);
      try (Server server = parent.root.connect()) {
        Target target =
            server
                .deployments()
                .applyTarget(ApplyTargetRequest.newBuilder().setDocument(document).build());
        print(parent.root, spec.commandLine().getOut(), target, "applied");
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a target's spec.")
  static final class Get implements Callable<Integer> {
    @ParentCommand TargetCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--app", required = true)
    String app;

    @Option(names = "--env", required = true)
    String environment;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        Target target =
            server
                .deployments()
                .getTarget(
                    GetTargetRequest.newBuilder().setApp(app).setEnvironment(environment).build());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, target);
        } else {
          print(parent.root, out, target, "target");
          Printer.json(out, target.getSpec());
        }
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List targets.")
  static final class List implements Callable<Integer> {
    @ParentCommand TargetCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        PrintWriter out = spec.commandLine().getOut();
        eachPage(
            server,
            page -> {
              if (parent.root.output == SlipwayCli.Format.json) {
                Printer.json(out, page);
              } else {
                page.getTargetsList().forEach(t -> print(parent.root, out, t, "target"));
              }
            });
        return ExitCode.SUCCEEDED;
      }
    }
  }

  /**
   * Every page of targets in turn. With {@code -o json} each page is one JSON object, so the output
   * stays a stream of bounded pages however many targets exist.
   */
  /** A YAML or JSON document from a file, or standard input for {@code -}. */
  static String readDocument(String file) {
    try {
      return "-".equals(file)
          ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new SlipwayCli.UsageError("cannot read --file " + file + ": " + e.getMessage());
    }
  }

  static void eachPage(Server server, Consumer<ListTargetsResponse> consumer) {
    String token = "";
    do {
      ListTargetsResponse page =
          server
              .deployments()
              .listTargets(ListTargetsRequest.newBuilder().setPageToken(token).build());
      consumer.accept(page);
      token = page.getNextPageToken();
    } while (!token.isEmpty());
  }

  private static void print(SlipwayCli root, PrintWriter out, Target target, String verb) {
    if (root.output == SlipwayCli.Format.json) {
      Printer.json(out, target);
      return;
    }
    out.println(
        verb
            + " "
            + target.getSpec().getApp()
            + "/"
            + target.getSpec().getEnvironment()
            + " revision "
            + target.getRevision()
            + (target.getCurrentVersion().isEmpty()
                ? ""
                : ", running " + target.getCurrentVersion()));
    out.flush();
  }
}
