package dev.slipway.cli;

import dev.slipway.proto.v1.ArtifactVerification;
import dev.slipway.proto.v1.BackupArtifact;
import dev.slipway.proto.v1.BackupRestore;
import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.BackupSetKind;
import dev.slipway.proto.v1.GetBackupSetRequest;
import dev.slipway.proto.v1.ListBackupSetsRequest;
import dev.slipway.proto.v1.ListBackupSetsResponse;
import dev.slipway.proto.v1.PruneBackupSetsRequest;
import dev.slipway.proto.v1.PruneBackupSetsResponse;
import dev.slipway.proto.v1.PrunedSet;
import dev.slipway.proto.v1.TableRows;
import dev.slipway.proto.v1.VerifyBackupSetRequest;
import dev.slipway.proto.v1.VerifyBackupSetResponse;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "backups",
    mixinStandardHelpOptions = true,
    description =
        "The backup sets a target has: list them, show one, prove one restores, restore one, apply"
            + " retention.",
    subcommands = {
      BackupsCommand.List.class,
      BackupsCommand.Show.class,
      BackupsCommand.Verify.class,
      BackupsCommand.Prune.class,
      BackupRestoreCommand.class
    })
final class BackupsCommand {
  @ParentCommand SlipwayCli root;

  static String line(BackupSet set) {
    return set.getId()
        + "  "
        + set.getKind().name().substring("BACKUP_SET_KIND_".length())
        + "  "
        + set.getStatus().name().substring("BACKUP_SET_STATUS_".length())
        + "  "
        + Printer.time(set.getCreatedAt())
        + "  "
        + set.getArtifactCount()
        + " artifact(s), "
        + set.getSizeBytes()
        + " bytes  deployment "
        + set.getDeploymentId();
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "A target's backup sets, newest first (needs read).")
  static final class List implements Callable<Integer> {
    @ParentCommand BackupsCommand parent;
    @Spec CommandSpec spec;

    @Mixin TargetOptions target;

    @Option(
        names = "--kind",
        paramLabel = "BACKUP|SNAPSHOT",
        description = "Only sets of this kind (default: both).")
    String kind;

    @Option(
        names = "--limit",
        defaultValue = "20",
        description = "Page size, at most 500 (default ${DEFAULT-VALUE}).")
    int limit;

    @Option(
        names = "--page-token",
        defaultValue = "",
        description = "Continue from a previous page.")
    String pageToken;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (Server server = parent.root.connect()) {
        ListBackupSetsResponse page =
            server
                .backups()
                .listBackupSets(
                    ListBackupSetsRequest.newBuilder()
                        .setApp(target.app)
                        .setEnvironment(target.environment)
                        .setKind(kind())
                        .setPageSize(limit)
                        .setPageToken(pageToken)
                        .build());
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, page);
          return ExitCode.SUCCEEDED;
        }
        page.getSetsList().forEach(set -> out.println(line(set)));
        if (!page.getNextPageToken().isEmpty()) {
          out.println(
              "more: slipway backups list --app "
                  + target.app
                  + " --env "
                  + target.environment
                  + " --page-token "
                  + page.getNextPageToken());
        }
        out.flush();
        return ExitCode.SUCCEEDED;
      }
    }

    private BackupSetKind kind() {
      if (kind == null) {
        return BackupSetKind.BACKUP_SET_KIND_UNSPECIFIED;
      }
      try {
        return BackupSetKind.valueOf("BACKUP_SET_KIND_" + kind.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new SlipwayCli.UsageError("--kind " + kind + " is not BACKUP or SNAPSHOT");
      }
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "One set: its artifacts with sizes and checksums, and its restores (needs read).")
  static final class Show implements Callable<Integer> {
    @ParentCommand BackupsCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SET_ID")
    String id;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (Server server = parent.root.connect()) {
        BackupSet set =
            server.backups().getBackupSet(GetBackupSetRequest.newBuilder().setSetId(id).build());
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, set);
          return ExitCode.SUCCEEDED;
        }
        out.println(line(set));
        out.println(
            "  "
                + set.getTarget().getApp()
                + "/"
                + set.getTarget().getEnvironment()
                + ": "
                + set.getSummary());
        for (BackupArtifact a : set.getArtifactsList()) {
          out.println(
              "  ["
                  + a.getItemIndex()
                  + "] "
                  + a.getSource()
                  + "  "
                  + a.getSizeBytes()
                  + " bytes  sha256 "
                  + a.getSha256()
                  + "  "
                  + a.getPath());
        }
        for (BackupRestore r : set.getRestoresList()) {
          out.println(
              "  restored "
                  + Printer.time(r.getStartedAt())
                  + " by deployment "
                  + r.getDeploymentId()
                  + ": "
                  + r.getOutcome().name().substring("RESTORE_OUTCOME_".length())
                  + " — "
                  + r.getSummary());
        }
        out.flush();
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Prove a set can be restored (needs admin): re-hash every artifact, decrypt it and list",
        "what it holds; with --deep, restore each database dump into a scratch database on the",
        "same server, count each table's rows, and drop it. Exits 1 when anything is not intact."
      })
  static final class Verify implements Callable<Integer> {
    @ParentCommand BackupsCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "SET_ID")
    String id;

    @Option(names = "--deep", description = "Also restore into a scratch database.")
    boolean deep;

    @Option(
        names = "--timeout",
        defaultValue = "30m",
        converter = DurationConverter.class,
        description = "Give up (exit 3) after this long (default ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      try (Server server = parent.root.connect()) {
        VerifyBackupSetResponse result =
            server
                .backups(timeout)
                .verifyBackupSet(
                    VerifyBackupSetRequest.newBuilder().setSetId(id).setDeep(deep).build());
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, result);
        } else {
          for (ArtifactVerification a : result.getArtifactsList()) {
            out.println(
                (a.getIntact() ? "intact  " : "BROKEN  ")
                    + "["
                    + a.getItemIndex()
                    + "] "
                    + a.getSource()
                    + ": "
                    + a.getDetail());
            for (TableRows t : a.getTablesList()) {
              out.println("          " + t.getTable() + ": " + t.getRows() + " rows");
            }
          }
          out.println("backup set " + id + (result.getIntact() ? " is intact" : " is NOT intact"));
        }
        out.flush();
        return result.getIntact() ? ExitCode.SUCCEEDED : ExitCode.FAILED;
      }
    }
  }

  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      description = {
        "Apply the target's retention now (needs admin): each complete set, kept or not, and the",
        "rule that decides. The newest set and the sets of a running deployment or of a quarantined",
        "rollback always stay."
      })
  static final class Prune implements Callable<Integer> {
    @ParentCommand BackupsCommand parent;
    @Spec CommandSpec spec;

    @Mixin TargetOptions target;

    @Option(names = "--dry-run", description = "Show what would go; delete nothing.")
    boolean dryRun;

    @Option(names = "--yes", description = "Delete what goes, without --dry-run first.")
    boolean yes;

    @Override
    public Integer call() throws InterruptedException {
      if (!dryRun && !yes) {
        throw new SlipwayCli.UsageError(
            "prune deletes backups: add --dry-run to see what would go, or --yes to delete it");
      }
      PrintWriter out = spec.commandLine().getOut();
      try (Server server = parent.root.connect()) {
        PruneBackupSetsResponse result =
            server
                .backups()
                .pruneBackupSets(
                    PruneBackupSetsRequest.newBuilder()
                        .setApp(target.app)
                        .setEnvironment(target.environment)
                        .setDryRun(dryRun)
                        .build());
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, result);
          return ExitCode.SUCCEEDED;
        }
        long going = result.getSetsList().stream().filter(p -> !p.getKept()).count();
        for (PrunedSet p : result.getSetsList()) {
          out.println(
              (p.getKept() ? "keep     " : dryRun ? "would go " : "deleted  ")
                  + line(p.getSet())
                  + "  — "
                  + p.getWhy());
        }
        out.println(
            "policy "
                + result.getPolicy()
                + ": "
                + going
                + " set(s) "
                + (dryRun ? "would go" : "deleted")
                + ", "
                + (result.getSetsCount() - going)
                + " kept");
        out.flush();
        return ExitCode.SUCCEEDED;
      }
    }
  }
}
