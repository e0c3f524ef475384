package dev.slipway.cli;

import dev.slipway.proto.v1.AbortDeploymentRequest;
import dev.slipway.proto.v1.ApproveDeploymentRequest;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.PromoteDeploymentRequest;
import dev.slipway.proto.v1.RejectDeploymentRequest;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The people's answers to a release's gates: approve, reject, promote, abort. */
final class GateCommands {
  private GateCommands() {}

  private static int print(SlipwayCli root, CommandSpec spec, Deployment d) {
    if (root.output == SlipwayCli.Format.json) {
      Printer.json(spec.commandLine().getOut(), d);
    } else {
      Printer.deployment(spec.commandLine().getOut(), d, false);
    }
    return ExitCode.SUCCEEDED;
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = {
        "Approve a deployment waiting for approval (needs approve:<env>).",
        "The requester cannot approve their own deployment; each identity counts once."
      })
  static final class Approve implements Callable<Integer> {
    @ParentCommand SlipwayCli root;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DEPLOYMENT_ID")
    String id;

    @Option(names = "--comment", defaultValue = "", description = "Kept with the approval.")
    String comment;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = root.connect()) {
        return print(
            root,
            spec,
            server
                .deployments()
                .approveDeployment(
                    ApproveDeploymentRequest.newBuilder()
                        .setDeploymentId(id)
                        .setComment(comment)
                        .build()));
      }
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Reject a deployment waiting for approval: it ends FAILED with the reason.")
  static final class Reject implements Callable<Integer> {
    @ParentCommand SlipwayCli root;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DEPLOYMENT_ID")
    String id;

    @Option(names = "--reason", required = true, description = "Why.")
    String reason;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = root.connect()) {
        return print(
            root,
            spec,
            server
                .deployments()
                .rejectDeployment(
                    RejectDeploymentRequest.newBuilder()
                        .setDeploymentId(id)
                        .setReason(reason)
                        .build()));
      }
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "End a deployment's bake early: it succeeds now (needs deploy:<env>).",
        "A canary analysing a step ends the step's pause as passed; a PAUSED canary goes on with"
            + " its next step."
      })
  static final class Promote implements Callable<Integer> {
    @ParentCommand SlipwayCli root;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DEPLOYMENT_ID")
    String id;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = root.connect()) {
        return print(
            root,
            spec,
            server
                .deployments()
                .promoteDeployment(
                    PromoteDeploymentRequest.newBuilder().setDeploymentId(id).build()));
      }
    }
  }

  @Command(
      name = "abort",
      mixinStandardHelpOptions = true,
      description = {
        "Roll back a release whose new version is being checked (VERIFY, ANALYSIS, BAKE…) or a"
            + " PAUSED canary (needs deploy:<env>).",
        "Refused while a command runs (wait for it) and before anything changed (cancel instead)."
      })
  static final class Abort implements Callable<Integer> {
    @ParentCommand SlipwayCli root;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DEPLOYMENT_ID")
    String id;

    @Option(names = "--reason", required = true, description = "Why; the rollback's reason.")
    String reason;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = root.connect()) {
        var abort = AbortDeploymentRequest.newBuilder().setDeploymentId(id).setReason(reason);
        return print(root, spec, server.deployments().abortDeployment(abort.build()));
      }
    }
  }
}
