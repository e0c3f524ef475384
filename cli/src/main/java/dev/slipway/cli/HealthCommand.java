package dev.slipway.cli;

import dev.slipway.proto.v1.CheckRound;
import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.ListCheckRoundsRequest;
import dev.slipway.proto.v1.ListCheckRoundsResponse;
import dev.slipway.proto.v1.Phase;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = {
      "Every round of every health check a deployment ran, in the order they ran.",
      "  slipway health DEPLOYMENT_ID                     the first page",
      "  slipway health DEPLOYMENT_ID --phase VERIFY --all  every VERIFY round"
    })
final class HealthCommand implements Callable<Integer> {
  private static final int OBSERVED_WIDTH = 100;

  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DEPLOYMENT_ID")
  String id;

  @Option(
      names = "--phase",
      paramLabel = "PHASE",
      description = "PREFLIGHT, VERIFY, VERIFY_ROLLBACK or BAKE (default: every phase).")
  String phase;

  @Option(
      names = "--limit",
      defaultValue = "100",
      description = "Page size, at most 500 (default ${DEFAULT-VALUE}).")
  int limit;

  @Option(names = "--page-token", defaultValue = "", description = "Continue from a previous page.")
  String pageToken;

  @Option(names = "--all", description = "Read every page, not only the first.")
  boolean all;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Phase wanted =
        phase == null
            ? Phase.PHASE_UNSPECIFIED
            : Printer.phase(phase, "checks run in PREFLIGHT, VERIFY, VERIFY_ROLLBACK and BAKE");
    try (Server server = root.connect()) {
      // Asked first so that an unknown deployment is "not found", not an empty history.
      server
          .deployments()
          .getDeployment(GetDeploymentRequest.newBuilder().setDeploymentId(id).build());
      String token = pageToken;
      boolean json = root.output == SlipwayCli.Format.json;
      if (!json) {
        out.printf(
            "%-16s %5s %-24s %-8s %8s  %-20s  %s%n",
            "PHASE#ATTEMPT", "ROUND", "CHECK", "OUTCOME", "LATENCY", "AT", "OBSERVED");
      }
      do {
        ListCheckRoundsResponse page =
            server
                .health()
                .listCheckRounds(
                    ListCheckRoundsRequest.newBuilder()
                        .setDeploymentId(id)
                        .setPhase(wanted)
                        .setPageSize(limit)
                        .setPageToken(token)
                        .build());
        if (json) {
          Printer.json(out, page);
        } else {
          page.getRoundsList().forEach(round -> print(out, round));
        }
        token = page.getNextPageToken();
      } while (all && !token.isEmpty());
      if (!json && !token.isEmpty()) {
        out.println("more: slipway health " + id + " --page-token " + token);
      }
      out.flush();
      return ExitCode.SUCCEEDED;
    }
  }

  private static void print(PrintWriter out, CheckRound round) {
    String observed = round.getObserved().replaceAll("\\s+", " ").strip();
    if (observed.length() > OBSERVED_WIDTH) {
      observed = observed.substring(0, OBSERVED_WIDTH - 1) + "…";
    }
    out.printf(
        "%-16s %5d %-24s %-8s %5d ms  %-20s  %s%s%n",
        Printer.name(round.getPhase()) + "#" + round.getAttempt(),
        round.getRound(),
        round.getCheck(),
        round.getOutcome().name().substring("CHECK_OUTCOME_".length()),
        round.getLatencyMs(),
        Printer.time(round.getCheckedAt()),
        observed,
        round.getCounted() ? "" : " (start period: not counted)");
  }
}
