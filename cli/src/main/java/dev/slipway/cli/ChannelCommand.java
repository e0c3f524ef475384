package dev.slipway.cli;

import dev.slipway.proto.v1.AppliedChannel;
import dev.slipway.proto.v1.ApplyChannelRequest;
import dev.slipway.proto.v1.DeleteChannelRequest;
import dev.slipway.proto.v1.ListChannelsRequest;
import dev.slipway.proto.v1.ListChannelsResponse;
import dev.slipway.proto.v1.NotificationChannel;
import dev.slipway.proto.v1.TestChannelRequest;
import dev.slipway.proto.v1.TestChannelResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "channel",
    mixinStandardHelpOptions = true,
    description =
        "The notifier's channels: apply one as a resource, list them, send one a test message,"
            + " delete an applied one.",
    subcommands = {
      ChannelCommand.Apply.class,
      ChannelCommand.List.class,
      ChannelCommand.Test.class,
      ChannelCommand.Delete.class
    })
final class ChannelCommand {
  @ParentCommand SlipwayCli root;

  private static int print(SlipwayCli root, PrintWriter out, AppliedChannel applied, String what) {
    if (root.output == SlipwayCli.Format.json) {
      Printer.json(out, applied);
    } else {
      out.println(
          what
              + " channel "
              + applied.getSpec().getName()
              + " ("
              + applied.getSpec().getType()
              + "), revision "
              + applied.getRevision()
              + " by "
              + applied.getAppliedBy()
              + " at "
              + Printer.time(applied.getAppliedAt()));
    }
    out.flush();
    return ExitCode.SUCCEEDED;
  }

  @Command(
      name = "apply",
      mixinStandardHelpOptions = true,
      description = {
        "Create or replace a channel from a YAML or JSON file (needs admin); the notifier sends to"
            + " it within 5 seconds.",
        "Credentials are names of secrets: urlSecret, signingSecret, passwordSecret."
      })
  static final class Apply implements Callable<Integer> {
    @ParentCommand ChannelCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = {"-f", "--file"},
        required = true,
        description = "The channel file; - for standard input.")
    String file;

    @Override
    public Integer call() throws InterruptedException {
      String document = TargetCommand.readDocument(file);
      try (Server server = parent.root.connect()) {
        AppliedChannel applied =
            server
                .channels()
                .applyChannel(ApplyChannelRequest.newBuilder().setDocument(document).build());
        return print(parent.root, spec.commandLine().getOut(), applied, "applied");
      }
    }
  }

  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Remove an applied channel (needs admin); deliveries to it fail from then on.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand ChannelCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        AppliedChannel gone =
            server
                .channels()
                .deleteChannel(DeleteChannelRequest.newBuilder().setName(name).build());
        return print(parent.root, spec.commandLine().getOut(), gone, "deleted");
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Every channel, where it sends (never a secret) and whether it is disabled.")
  static final class List implements Callable<Integer> {
    @ParentCommand ChannelCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (Server server = parent.root.connect()) {
        ListChannelsResponse channels =
            server.notifications().listChannels(ListChannelsRequest.getDefaultInstance());
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, channels);
          return ExitCode.SUCCEEDED;
        }
        for (NotificationChannel c : channels.getChannelsList()) {
          out.println(
              c.getName()
                  + "  "
                  + c.getType()
                  + "  "
                  + c.getEndpoint()
                  + "  retries "
                  + c.getRetrySchedule()
                  + "  "
                  + c.getSource()
                  + (c.getProblem().isEmpty() ? "" : "  UNUSABLE: " + c.getProblem())
                  + (c.getDisabled().isEmpty() ? "" : "  DISABLED: " + c.getDisabled()));
        }
        out.flush();
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(
      name = "test",
      mixinStandardHelpOptions = true,
      description = "Send a test message to a channel now (needs admin); exits 1 if it failed.")
  static final class Test implements Callable<Integer> {
    @ParentCommand ChannelCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (Server server = parent.root.connect()) {
        TestChannelResponse result =
            server
                .notifications()
                .testChannel(TestChannelRequest.newBuilder().setName(name).build());
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, result);
        } else {
          out.println(
              (result.getDelivered() ? "delivered: " : "NOT delivered: ")
                  + result.getDetail()
                  + " ("
                  + result.getLatencyMs()
                  + " ms)");
        }
        out.flush();
        return result.getDelivered() ? ExitCode.SUCCEEDED : ExitCode.FAILED;
      }
    }
  }
}
