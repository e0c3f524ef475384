package dev.slipway.cli;

import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.GetStepLogsRequest;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseRecord;
import dev.slipway.proto.v1.StepLogLine;
import dev.slipway.proto.v1.StepLogPage;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = {
      "The whole output of a deployment's commands, read page by page.",
      "  slipway logs DEPLOYMENT_ID                              every step with output",
      "  slipway logs DEPLOYMENT_ID --phase DEPLOY --attempt 2   one step attempt",
      "  slipway logs DEPLOYMENT_ID --phase WEIGHT --step 2      a canary step's setWeight",
      "  slipway logs DEPLOYMENT_ID --phase DEPLOY --step 2      a rolling release's second wave"
    })
final class LogsCommand implements Callable<Integer> {
  @ParentCommand SlipwayCli root;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DEPLOYMENT_ID")
  String id;

  @Option(
      names = "--phase",
      paramLabel = "PHASE",
      description = "DEPLOY, SWITCH, WEIGHT or REVERT (default: every phase with output).")
  String phase;

  @Option(
      names = "--attempt",
      paramLabel = "N",
      description = "The phase's attempt (default: every attempt).")
  Integer attempt;

  @Option(
      names = "--step",
      paramLabel = "N",
      description =
          "A canary's step (WEIGHT), or a rolling release's wave (DEPLOY, REVERT); default: every"
              + " step.")
  Integer stepNumber;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    try (Server server = root.connect()) {
      Deployment d =
          server
              .deployments()
              .getDeployment(GetDeploymentRequest.newBuilder().setDeploymentId(id).build());
      Phase wanted =
          phase == null
              ? null
              : Printer.phase(phase, "steps with output are DEPLOY, SWITCH, WEIGHT and REVERT");
      List<PhaseRecord> steps =
          d.getPhasesList().stream()
              .filter(p -> p.getLogLines() > 0)
              .filter(p -> wanted == null || p.getPhase() == wanted)
              .filter(p -> attempt == null || p.getAttempt() == attempt)
              .filter(p -> stepNumber == null || p.getStep() == stepNumber)
              .toList();
      for (PhaseRecord step : steps) {
        if (steps.size() > 1) {
          out.println(
              "== "
                  + Printer.name(step.getPhase())
                  + (step.getStep() > 0 ? "/" + step.getStep() : "")
                  + "#"
                  + step.getAttempt());
        }
        print(server, out, step);
      }
      out.flush();
      return ExitCode.SUCCEEDED;
    }
  }

  private void print(Server server, PrintWriter out, PhaseRecord step) {
    int after = 0;
    StepLogPage page;
    do {
      page =
          server
              .deployments()
              .getStepLogs(
                  GetStepLogsRequest.newBuilder()
                      .setDeploymentId(id)
                      .setPhase(step.getPhase())
                      .setAttempt(step.getAttempt())
                      .setStep(step.getStep())
                      .setAfterLine(after)
                      .setPageSize(1_000)
                      .build());
      for (StepLogLine line : page.getLinesList()) {
        out.println(line.getText());
        after = line.getLineNo();
      }
    } while (page.getMore() && page.getLinesCount() > 0);
  }
}
