package dev.slipway.cli;

import dev.slipway.proto.v1.GetLedgerRequest;
import dev.slipway.proto.v1.GetLedgerResponse;
import dev.slipway.proto.v1.LedgerEntry;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "ledger",
    mixinStandardHelpOptions = true,
    description = {
      "Every version that ran on a target, newest first: from when to when, deployed and",
      "approved by whom, through which deployment, and why it left if it was rolled back."
    })
final class LedgerCommand implements Callable<Integer> {
  private static final int PAGE = 100;

  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Option(names = "--app", required = true, description = "Application.")
  String app;

  @Option(names = "--env", required = true, description = "Environment.")
  String environment;

  @Option(
      names = "--limit",
      defaultValue = "20",
      description = "At most this many entries (default ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() throws InterruptedException {
    if (limit < 1) {
      throw new SlipwayCli.UsageError("--limit must be 1 or more");
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean json = root.output == SlipwayCli.Format.json;
    try (Server server = root.connect()) {
      String token = "";
      int shown = 0;
      do {
        GetLedgerResponse page =
            server
                .deployments()
                .getLedger(
                    GetLedgerRequest.newBuilder()
                        .setApp(app)
                        .setEnvironment(environment)
                        .setPageSize(Math.min(PAGE, limit - shown))
                        .setPageToken(token)
                        .build());
        if (json) {
          Printer.json(out, page);
        } else {
          page.getEntriesList().forEach(e -> print(out, e));
        }
        shown += page.getEntriesCount();
        token = page.getNextPageToken();
      } while (!token.isEmpty() && shown < limit);
      out.flush();
      return ExitCode.SUCCEEDED;
    }
  }

  private static void print(PrintWriter out, LedgerEntry e) {
    out.println(
        e.getVersion()
            + "  "
            + Printer.DATE_TIME.format(Printer.instant(e.getSince()))
            + " -> "
            + (e.hasUntil() ? Printer.DATE_TIME.format(Printer.instant(e.getUntil())) : "now")
            + "  "
            + e.getArrived().replace('_', ' ')
            + " by "
            + e.getDeployedBy()
            + (e.getApprovedByCount() == 0
                ? ""
                : ", approved by " + String.join(", ", e.getApprovedByList()))
            + "  via "
            + e.getDeploymentId()
            + (e.getSlot().isEmpty() ? "" : "  slot " + e.getSlot()));
    if (e.hasHealth()) {
      out.println(
          "  health: "
              + Printer.health(
                  e.getHealth(), e.hasUntil() ? Printer.instant(e.getUntil()) : Instant.now()));
    }
    if (e.getLeft().equals("rolled_back")) {
      out.println("  rolled back by " + e.getLeftDeploymentId() + ": " + e.getLeftReason());
      e.getLeftEvidenceList()
          .forEach(ev -> out.println("      FAIL " + ev.getName() + ": " + ev.getDetail()));
    }
  }
}
