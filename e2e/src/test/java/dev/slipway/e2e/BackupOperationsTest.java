package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.slipway.backup.store.Artifacts;
import dev.slipway.devstack.demo.DemoTarget;
import dev.slipway.proto.v1.ArtifactVerification;
import dev.slipway.proto.v1.BackupArtifact;
import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.BackupSetKind;
import dev.slipway.proto.v1.BackupSetStatus;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.ListBackupSetsResponse;
import dev.slipway.proto.v1.RestoreBackupRequest;
import dev.slipway.proto.v1.TableRows;
import dev.slipway.proto.v1.VerifyBackupSetResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code slipway backups list / show / verify}: the sets each release took, their artifacts as they
 * lie on disk, and proof that they restore, down to a flipped byte.
 */
class BackupOperationsTest {
  private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+)");
  private static E2eEnvironment env;
  private static String app;
  private static String database;
  private static Path files;
  private static String first;
  private static String second;

  @BeforeAll
  static void twoReleases() throws Exception {
    env = E2eEnvironment.get();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    app = "vault-" + suffix;
    database = env.infrastructure.createDatabase("vault");
    sql(
        "create table entries (id serial primary key, body text not null)",
        "insert into entries (body) select 'entry ' || n from generate_series(1, 37) n",
        "create table tags (name text primary key)",
        "insert into tags select 'tag' || n from generate_series(1, 5) n");
    files = Files.createTempDirectory("vault-files");
    Files.writeString(files.resolve("config.ini"), "[vault]\nmode = strict\n");
    Files.writeString(files.resolve("notes.txt"), "kept by the backup\n");
    Matcher db = JDBC.matcher(database);
    assertThat(db.find()).isTrue();
    env.apply(
        Files.createTempDirectory("vault"),
        app,
        """
        app: %s
        environment: e2e
        deploy: { command: ["true"] }
        backup:
          items:
            - { type: postgres, url: "postgresql://%s@%s:%s/%s", passwordSecret: %s }
            - { type: files, paths: [%s] }
        """
            .formatted(
                app,
                env.infrastructure.user(),
                db.group(1),
                db.group(2),
                db.group(3),
                DemoTarget.DB_SECRET,
                files));
    Cli.Run one = env.deployAndWait(app, "1.0.0");
    assertThat(one.exit()).as(one.all()).isZero();
    sql("insert into entries (body) select 'later ' || n from generate_series(1, 3) n");
    Cli.Run two = env.deployAndWait(app, "1.1.0");
    assertThat(two.exit()).as(two.all()).isZero();

    ListBackupSetsResponse sets =
        json(
            Cli.run(env.server(), "backups", "list", "--app", app, "--env", "e2e", "-o", "json"),
            ListBackupSetsResponse.newBuilder());
    assertThat(sets.getSetsList())
        .extracting(BackupSet::getDeploymentId)
        .as("one set per release, newest first")
        .containsExactly(
            E2eEnvironment.deployment(two.out()).getId(),
            E2eEnvironment.deployment(one.out()).getId());
    assertThat(sets.getSetsList())
        .allSatisfy(
            set -> {
              assertThat(set.getKind()).isEqualTo(BackupSetKind.BACKUP_SET_KIND_BACKUP);
              assertThat(set.getStatus()).isEqualTo(BackupSetStatus.BACKUP_SET_STATUS_COMPLETE);
              assertThat(set.getArtifactCount()).isEqualTo(2);
              assertThat(set.getSizeBytes()).isPositive();
            });
    second = sets.getSets(0).getId();
    first = sets.getSets(1).getId();
  }

  @Test
  void showListsEachArtifactAsItLiesOnDisk() throws Exception {
    BackupSet set =
        json(Cli.run(env.server(), "backups", "show", first, "-o", "json"), BackupSet.newBuilder());
    assertThat(set.getArtifactsList())
        .extracting(BackupArtifact::getType)
        .containsExactly("postgres", "files");
    for (BackupArtifact artifact : set.getArtifactsList()) {
      Path file = Path.of(artifact.getPath());
      assertThat(artifact.getSha256()).isEqualTo(Artifacts.sha256(file));
      assertThat(artifact.getSizeBytes()).isEqualTo(Files.size(file));
    }
    assertThat(set.getSizeBytes())
        .isEqualTo(set.getArtifacts(0).getSizeBytes() + set.getArtifacts(1).getSizeBytes());
    assertThat(set.getRestoresList()).isEmpty();

    Cli.Run text = Cli.run(env.server(), "backups", "show", first);
    assertThat(text.out()).contains(set.getArtifacts(0).getSha256(), set.getArtifacts(1).getPath());
  }

  @Test
  void pagesOfSetsFollowEachOther() throws Exception {
    Cli.Run page =
        Cli.run(env.server(), "backups", "list", "--app", app, "--env", "e2e", "--limit", "1");
    assertThat(page.out()).startsWith(second).contains("more: slipway backups list");
    String token = page.out().replaceAll("(?s).*--page-token (\\S+).*", "$1");
    Cli.Run next =
        Cli.run(
            env.server(),
            "backups",
            "list",
            "--app",
            app,
            "--env",
            "e2e",
            "--limit",
            "1",
            "--page-token",
            token);
    assertThat(next.out()).startsWith(first).doesNotContain("more:");
  }

  @Test
  void aDeepVerifyRestoresIntoAScratchDatabaseAndCountsWhatTheTestWrote() throws Exception {
    VerifyBackupSetResponse deep =
        json(
            Cli.run(env.server(), "backups", "verify", second, "--deep", "-o", "json"),
            VerifyBackupSetResponse.newBuilder());
    assertThat(deep.getIntact()).isTrue();
    ArtifactVerification dump = deep.getArtifacts(0);
    assertThat(dump.getIntact()).as(dump.getDetail()).isTrue();
    assertThat(dump.getEntries()).as("table of contents entries").isPositive();
    assertThat(dump.getTablesList())
        .extracting(TableRows::getTable, TableRows::getRows)
        .containsExactly(tuple("public.entries", 40L), tuple("public.tags", 5L));
    ArtifactVerification archive = deep.getArtifacts(1);
    assertThat(archive.getIntact()).as(archive.getDetail()).isTrue();
    assertThat(archive.getEntries()).as("the directory and its two files").isEqualTo(3);
    assertThat(archive.getTablesList()).isEmpty();
    try (Connection c = env.slipway();
        Statement s = c.createStatement();
        var left =
            s.executeQuery(
                "select count(*) from pg_database where datname like 'slipway_verify_%'")) {
      left.next();
      assertThat(left.getInt(1)).as("the scratch database is dropped").isZero();
    }

    Cli.Run shallow = Cli.run(env.server(), "backups", "verify", first);
    assertThat(shallow.exit()).as(shallow.all()).isZero();
    assertThat(shallow.out()).contains("backup set " + first + " is intact").doesNotContain("rows");
  }

  @Test
  void oneFlippedByteFailsVerifyNamingTheFile() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    env.apply(
        Files.createTempDirectory("flipped"),
        "flipped",
        """
        app: flipped-%s
        environment: e2e
        deploy: { command: ["true"] }
        backup: { items: [{ type: files, paths: [%s] }] }
        """
            .formatted(suffix, files));
    Cli.Run release = env.deployAndWait("flipped-" + suffix, "1.0.0");
    assertThat(release.exit()).as(release.all()).isZero();
    ListBackupSetsResponse sets =
        json(
            Cli.run(
                env.server(),
                "backups",
                "list",
                "--app",
                "flipped-" + suffix,
                "--env",
                "e2e",
                "-o",
                "json"),
            ListBackupSetsResponse.newBuilder());
    String setId = sets.getSets(0).getId();
    BackupSet set =
        json(Cli.run(env.server(), "backups", "show", setId, "-o", "json"), BackupSet.newBuilder());
    String path = set.getArtifacts(0).getPath();
    try (RandomAccessFile file = new RandomAccessFile(path, "rw")) {
      file.seek(file.length() / 2);
      int b = file.read();
      file.seek(file.length() / 2);
      file.write(b ^ 0x01);
    }

    Cli.Run broken = Cli.run(env.server(), "backups", "verify", setId);
    assertThat(broken.exit()).as(broken.all()).isEqualTo(1);
    assertThat(broken.out())
        .contains("BROKEN  [0] files " + files)
        .contains(path + " has sha256 ")
        .contains("was recorded")
        .contains("is NOT intact");

    Files.writeString(files.resolve("notes.txt"), "written after the backup\n");
    Cli.Run refused =
        Cli.run(
            env.server(),
            "backups",
            "restore",
            setId,
            "--yes",
            "--force",
            "--reason",
            "taken before the first release",
            "--wait");
    assertThat(refused.exit()).as(refused.all()).isEqualTo(1);
    assertThat(refused.out())
        .contains("restore by admin")
        .contains(
            "reason: RESTORE failed: refusing to restore backup "
                + setId
                + ": "
                + path
                + " has sha256 ")
        .contains("; the data as it was before is kept in this deployment's snapshot");
    assertThat(Files.readString(files.resolve("notes.txt")))
        .as("a corrupted set is never restored")
        .isEqualTo("written after the backup\n");
    Files.writeString(files.resolve("notes.txt"), "kept by the backup\n");
  }

  @Test
  void aRestoreOnDemandNeedsAdminAndACompleteSetOfItsOwnTarget() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    Path reader = env.token("restore-reader-" + suffix, "read", "deploy:e2e");
    Cli.Run notAdmin = Cli.as(reader, env.server(), "backups", "restore", first, "--yes");
    assertThat(notAdmin.exit()).as(notAdmin.all()).isEqualTo(12);
    assertThat(notAdmin.err()).contains("lacks the scope admin");
    Cli.Run unknown =
        Cli.run(env.server(), "backups", "restore", UUID.randomUUID().toString(), "--yes");
    assertThat(unknown.exit()).as(unknown.all()).isEqualTo(13);

    ManagedChannel channel = ManagedChannelBuilder.forTarget(env.server()).usePlaintext().build();
    try {
      var deployments =
          DeploymentServiceGrpc.newBlockingStub(channel).withInterceptors(env.adminCredentials());
      RestoreBackupRequest elsewhere =
          RestoreBackupRequest.newBuilder()
              .setApp(app)
              .setEnvironment("production")
              .setSetId(first)
              .build();
      StatusRuntimeException mismatch =
          assertThrows(StatusRuntimeException.class, () -> deployments.restoreBackup(elsewhere));
      assertThat(mismatch.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
      assertThat(mismatch.getStatus().getDescription())
          .isEqualTo(
              "backup set " + first + " belongs to " + app + "/e2e, not " + app + "/production");
      StatusRuntimeException badId =
          assertThrows(
              StatusRuntimeException.class,
              () -> deployments.restoreBackup(elsewhere.toBuilder().setSetId("set-1").build()));
      assertThat(badId.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(badId.getStatus().getDescription()).isEqualTo("set_id is not a UUID");
      String missing = UUID.randomUUID().toString();
      StatusRuntimeException unknownSet =
          assertThrows(
              StatusRuntimeException.class,
              () -> deployments.restoreBackup(elsewhere.toBuilder().setSetId(missing).build()));
      assertThat(unknownSet.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
      assertThat(unknownSet.getStatus().getDescription()).contains(missing);
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void readersListButOnlyAdminsVerifyAndMistakesAreNamed() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    Path reader = env.token("backup-reader-" + suffix, "read");
    assertThat(Cli.as(reader, env.server(), "backups", "show", first).exit()).isZero();
    Cli.Run verify = Cli.as(reader, env.server(), "backups", "verify", first);
    assertThat(verify.exit()).isEqualTo(12);
    assertThat(verify.err()).contains("lacks the scope admin");

    assertThat(Cli.run(env.server(), "backups", "show", UUID.randomUUID().toString()).exit())
        .isEqualTo(13);
    Cli.Run badId = Cli.run(env.server(), "backups", "verify", "not-an-id");
    assertThat(badId.exit()).isEqualTo(2);
    assertThat(badId.err()).contains("set_id");
    Cli.Run badKind =
        Cli.run(env.server(), "backups", "list", "--app", app, "--env", "e2e", "--kind", "daily");
    assertThat(badKind.exit()).isEqualTo(2);
    assertThat(badKind.err()).contains("--kind daily is not BACKUP or SNAPSHOT");
  }

  private static void sql(String... statements) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                database, env.infrastructure.user(), env.infrastructure.password());
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static <M extends Message> M json(Cli.Run run, Message.Builder builder) throws Exception {
    assertThat(run.exit()).as(run.all()).isZero();
    JsonFormat.parser().merge(run.out(), builder);
    return (M) builder.build();
  }
}
