package dev.slipway.cli;

import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.GetBackupSetRequest;
import dev.slipway.proto.v1.RestoreBackupRequest;
import java.io.Console;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description =
        "Put a target's data back as a backup set holds it (needs admin): a snapshot of the data as"
            + " it is comes first, then the restore, then the health checks. The code stays as it"
            + " is. Asks for the target's name unless --yes.")
final class BackupRestoreCommand implements Callable<Integer> {
  @ParentCommand BackupsCommand parent;
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "SET_ID", description = "The backup set (a BACKUP or a SNAPSHOT).")
  String id;

  @Option(names = "--yes", description = "Restore without asking; for scripts and CI.")
  boolean yes;

  @Option(
      names = "--force",
      description =
          "Restore a set holding the data of another version than the one running now (a"
              + " rollback's snapshot holds the failed release's); its schema may not match.")
  boolean force;

  @Option(names = "--reason", description = "Why, required with --force; kept on the deployment.")
  String reason;

  @Mixin Release release;

  @Override
  public Integer call() throws InterruptedException {
    Console console = terminal();
    if (!yes && console == null) {
      throw new SlipwayCli.UsageError(
          "restore overwrites a target's data and there is no terminal to confirm it in: add --yes");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Server server = parent.root.connect()) {
      BackupSet set =
          server.backups().getBackupSet(GetBackupSetRequest.newBuilder().setSetId(id).build());
      String target = set.getTarget().getApp() + "/" + set.getTarget().getEnvironment();
      if (!yes) {
        err.println(BackupsCommand.line(set));
        err.println(
            "This overwrites the data of "
                + target
                + " with what the set holds; a snapshot of the data as it is is taken first.");
        err.flush();
        String typed = console.readLine("Type %s to restore: ", target);
        if (typed == null || !typed.strip().equals(target)) {
          err.println("not restored: the answer was not " + target);
          err.flush();
          return ExitCode.CANCELLED;
        }
      }
      Deployment created =
          server
              .deployments()
              .restoreBackup(
                  RestoreBackupRequest.newBuilder()
                      .setApp(set.getTarget().getApp())
                      .setEnvironment(set.getTarget().getEnvironment())
                      .setSetId(set.getId())
                      .setIdempotencyKey(release.key())
                      .setForce(force)
                      .setForceReason(force && reason != null ? reason : "")
                      .build());
      return release.report(server, created, parent.root, out, err);
    }
  }

  /** The terminal to ask in, or null when input or output is not one. */
  private static Console terminal() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      // From Java 22 a console exists even when redirected; isTerminal tells (absent in 21, where
      // a console exists only on a terminal).
      Object isTerminal = Console.class.getMethod("isTerminal").invoke(console);
      return Boolean.TRUE.equals(isTerminal) ? console : null;
    } catch (NoSuchMethodException e) {
      return console;
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
