package dev.slipway.cli;

import dev.slipway.proto.v1.Delivery;
import dev.slipway.proto.v1.DeliveryAttempt;
import dev.slipway.proto.v1.DeliveryStatus;
import dev.slipway.proto.v1.ListDeliveriesRequest;
import dev.slipway.proto.v1.ListDeliveriesResponse;
import dev.slipway.proto.v1.RetryDeliveryRequest;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "deliveries",
    mixinStandardHelpOptions = true,
    description = {
      "Notifications: one delivery per event and channel, with every attempt.",
      "  slipway deliveries --deployment ID     a deployment's deliveries",
      "  slipway deliveries --status DEAD       every delivery that ran out of attempts",
      "  slipway deliveries retry DELIVERY_ID   send a DEAD or FAILED one again (admin)"
    },
    subcommands = {DeliveriesCommand.Retry.class})
final class DeliveriesCommand implements Callable<Integer> {
  private static final String STATUS_PREFIX = "DELIVERY_STATUS_";

  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Option(names = "--deployment", paramLabel = "ID", description = "A deployment's deliveries.")
  String deployment;

  @Option(
      names = "--status",
      paramLabel = "PENDING|DELIVERED|FAILED|DEAD",
      description = "Only deliveries with this status (needed without --deployment).")
  String status;

  @Option(
      names = "--limit",
      defaultValue = "100",
      description = "Page size, at most 500 (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--page-token", defaultValue = "", description = "Continue from a previous page.")
  String pageToken;

  @Override
  public Integer call() throws InterruptedException {
    if (deployment == null && status == null) {
      throw new SlipwayCli.UsageError("give --deployment ID, --status STATUS, or both");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (Server server = root.connect()) {
      ListDeliveriesResponse page =
          server
              .notifications()
              .listDeliveries(
                  ListDeliveriesRequest.newBuilder()
                      .setDeploymentId(deployment == null ? "" : deployment)
                      .setStatus(status())
                      .setPageSize(limit)
                      .setPageToken(pageToken)
                      .build());
      if (root.output == SlipwayCli.Format.json) {
        Printer.json(out, page);
        return ExitCode.SUCCEEDED;
      }
      page.getDeliveriesList().forEach(d -> print(out, d));
      out.println(
          page.getDead() == 0
              ? "no DEAD delivery"
              : page.getDead() + " DEAD: send one again with slipway deliveries retry ID");
      if (!page.getNextPageToken().isEmpty()) {
        out.println("more: --page-token " + page.getNextPageToken());
      }
      out.flush();
      return ExitCode.SUCCEEDED;
    }
  }

  private DeliveryStatus status() {
    if (status == null) {
      return DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED;
    }
    try {
      return DeliveryStatus.valueOf(STATUS_PREFIX + status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SlipwayCli.UsageError(
          "--status " + status + " is not PENDING, DELIVERED, FAILED or DEAD");
    }
  }

  static void print(PrintWriter out, Delivery d) {
    out.println(
        d.getId()
            + "  "
            + d.getEventType()
            + " -> "
            + d.getChannel()
            + "  "
            + d.getStatus().name().substring(STATUS_PREFIX.length())
            + "  "
            + d.getAttemptCount()
            + " attempt(s)"
            + (d.hasNextAttemptAt() ? ", next at " + Printer.time(d.getNextAttemptAt()) : "")
            + (d.getLastError().isEmpty() ? "" : "  — " + d.getLastError()));
    for (DeliveryAttempt a : d.getAttemptsList()) {
      out.println(
          "    #"
              + a.getAttempt()
              + " "
              + Printer.time(a.getAt())
              + "  "
              + (a.getSucceeded() ? "ok" : "failed")
              + "  "
              + a.getDetail()
              + "  ("
              + a.getLatencyMs()
              + " ms)");
    }
  }

  @Command(
      name = "retry",
      mixinStandardHelpOptions = true,
      description = "Send a DEAD or FAILED delivery again now, with its channel's whole schedule.")
  static final class Retry implements Callable<Integer> {
    @ParentCommand DeliveriesCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DELIVERY_ID")
    String id;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (Server server = parent.root.connect()) {
        Delivery d =
            server
                .notifications()
                .retryDelivery(RetryDeliveryRequest.newBuilder().setDeliveryId(id).build());
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, d);
        } else {
          print(out, d);
        }
        out.flush();
        return ExitCode.SUCCEEDED;
      }
    }
  }
}
