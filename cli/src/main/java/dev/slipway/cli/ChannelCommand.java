package dev.slipway.cli;

import dev.slipway.proto.v1.ListChannelsRequest;
import dev.slipway.proto.v1.ListChannelsResponse;
import dev.slipway.proto.v1.NotificationChannel;
import dev.slipway.proto.v1.TestChannelRequest;
import dev.slipway.proto.v1.TestChannelResponse;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "channel",
    mixinStandardHelpOptions = true,
    description = "The notifier's channels: list them, send one a test message.",
    subcommands = {ChannelCommand.List.class, ChannelCommand.Test.class})
final class ChannelCommand {
  @ParentCommand SlipwayCli root;

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
