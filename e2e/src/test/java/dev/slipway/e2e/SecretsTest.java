package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.devstack.Service;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.Deployment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Secrets reach the commands and tools that need them and nothing else; backups are encrypted at
 * rest.
 */
class SecretsTest {
  private static E2eEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env = E2eEnvironment.get();
  }

  @Test
  void secretValuesAppearInNoLogNoStepLogNoApiAnswerAndNoEvent() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String signingKey = "sk-" + UUID.randomUUID();
    String dbPassword = "db-" + UUID.randomUUID();
    env.setSecret("signing-" + suffix, signingKey);
    env.setSecret("db-" + suffix, dbPassword);
    String database = env.infrastructure.createDatabase("signer");
    Path workdir = Files.createTempDirectory("signer");
    env.apply(
        workdir,
        "signer",
        """
        app: signer-%1$s
        environment: e2e
        deploy:
          command: ["sh", "-c", "echo signing $0 with $SIGNING_KEY; [ $0 != 2.0.0 ]", "${version}"]
          env: { SIGNING_KEY: { secret: signing-%1$s }, MODE: plain }
        backup:
          items:
            - { type: postgres, url: "%2$s", passwordSecret: db-%1$s }
          restoreOnRollback: true
        """
            .formatted(suffix, libpqUrl(database)));

    Cli.Run good =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "signer-" + suffix,
            "--env",
            "e2e",
            "--version",
            "1.0.0",
            "--wait",
            "-o",
            "json");
    assertThat(good.exit()).as(good.all()).isZero();
    Cli.Run bad =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "signer-" + suffix,
            "--env",
            "e2e",
            "--version",
            "2.0.0",
            "--wait",
            "-o",
            "json");
    assertThat(bad.exit()).as(bad.all()).isEqualTo(5);
    Deployment rolledBack = E2eEnvironment.deployment(bad.out());
    assertThat(rolledBack.getPhasesList())
        .extracting(p -> p.getPhase().name())
        .contains(
            "PHASE_BACKUP", "PHASE_DEPLOY", "PHASE_SNAPSHOT", "PHASE_RESTORE", "PHASE_REVERT");
    assertThat(rolledBack.getPhasesList())
        .flatExtracting(p -> p.getLogList())
        .as("the secret the command echoed is masked in its step log")
        .contains("signing 2.0.0 with ****", "signing 1.0.0 with ****");

    List<String> seen = new ArrayList<>();
    seen.add(good.all());
    seen.add(bad.all());
    for (String[] command :
        List.of(
            new String[] {"status", rolledBack.getId()},
            new String[] {"history"},
            new String[] {"target", "get", "--app", "signer-" + suffix, "--env", "e2e"},
            new String[] {"target", "list"},
            new String[] {"secret", "list"},
            new String[] {"token", "list", "--all"},
            new String[] {"status"})) {
      List<String> json = new ArrayList<>(List.of(command));
      json.addAll(List.of("-o", "json"));
      Cli.Run answer = Cli.run(env.server(), json.toArray(String[]::new));
      assertThat(answer.exit()).as(answer.all()).isZero();
      seen.add(answer.all());
    }
    seen.add(rows("select line from orchestrator.step_logs"));
    seen.add(rows("select summary from orchestrator.phases"));
    seen.add(rows("select payload::text from notifier.deliveries"));
    try (Stream<Path> logs = Files.list(env.workDir.resolve("logs"))) {
      for (Path log : logs.toList()) {
        seen.add(Files.readString(log));
      }
    }
    for (var record :
        AuditTopic.read(
            env.infrastructure.kafkaBootstrap(),
            Topics.DEPLOYMENTS,
            r -> false,
            Duration.ofSeconds(5))) {
      seen.add(new String(record.value(), StandardCharsets.ISO_8859_1));
      for (Header header : record.headers()) {
        seen.add(new String(header.value(), StandardCharsets.ISO_8859_1));
      }
    }
    List<String> secrets = new ArrayList<>(List.of(signingKey, dbPassword));
    if (env.journalDbSecret.startsWith("jdb-")) {
      secrets.add(env.journalDbSecret);
    }
    for (String secret : secrets) {
      assertThat(seen)
          .as("places where a secret could leak")
          .noneMatch(text -> text.contains(secret));
    }
  }

  @Test
  void aWorkerGetsOnlyTheSecretsTheDeploymentsSpecReferences() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    env.setSecret("used-" + suffix, "u-" + suffix);
    env.setSecret("other-" + suffix, "o-" + suffix);
    env.apply(
        Files.createTempDirectory("refs"),
        "refs",
        """
        app: refs-%1$s
        environment: e2e
        deploy: { command: ["true"], env: { USED: { secret: used-%1$s } } }
        """
            .formatted(suffix));
    Cli.Run run =
        Cli.run(
            env.server(),
            "deploy",
            "--app",
            "refs-" + suffix,
            "--env",
            "e2e",
            "--version",
            "1.0.0",
            "--wait",
            "-o",
            "json");
    assertThat(run.exit()).as(run.all()).isZero();
    String id = E2eEnvironment.deployment(run.out()).getId();
    io.grpc.ManagedChannel channel =
        io.grpc.ManagedChannelBuilder.forTarget(env.server()).usePlaintext().build();
    try {
      var worker =
          dev.slipway.proto.internal.v1.WorkerServiceGrpc.newBlockingStub(channel)
              .withInterceptors(E2eEnvironment.bearer(env.token("resolver-" + suffix, "internal")));
      assertThat(
              worker
                  .resolveSecret(
                      dev.slipway.proto.internal.v1.ResolveSecretRequest.newBuilder()
                          .setDeploymentId(id)
                          .setName("used-" + suffix)
                          .build())
                  .getValue()
                  .toStringUtf8())
          .isEqualTo("u-" + suffix);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  worker.resolveSecret(
                      dev.slipway.proto.internal.v1.ResolveSecretRequest.newBuilder()
                          .setDeploymentId(id)
                          .setName("other-" + suffix)
                          .build()))
          .isInstanceOfSatisfying(
              io.grpc.StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode())
                    .isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
                assertThat(e.getStatus().getDescription())
                    .contains("does not reference the secret 'other-" + suffix + "'");
              });
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void backupsAreEncryptedAtRestAndABackupTakenBeforeAMasterKeyRotationStillRestores()
      throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String database = env.infrastructure.createDatabase("vault");
    sql(database, "create table entries (title text)", "insert into entries values ('kept')");
    Path go = Files.createTempDirectory("vault").resolve("go");
    env.apply(
        go.getParent(),
        "vault",
        """
        app: vault-%1$s
        environment: e2e
        deploy:
          command: ["sh", "-c", "[ $0 != 2.0.0 ] || { until [ -f $1 ]; do sleep 0.1; done; exit 1; }", "${version}", "%2$s"]
        backup:
          items:
            - { type: postgres, url: "%3$s" }
          restoreOnRollback: true
        """
            .formatted(suffix, go, libpqUrl(database)));
    assertThat(
            Cli.run(
                    env.server(),
                    "deploy",
                    "--app",
                    "vault-" + suffix,
                    "--env",
                    "e2e",
                    "--version",
                    "1.0.0",
                    "--wait")
                .exit())
        .isZero();

    CompletableFuture<Cli.Run> release =
        CompletableFuture.supplyAsync(
            () ->
                Cli.run(
                    env.server(),
                    "deploy",
                    "--app",
                    "vault-" + suffix,
                    "--env",
                    "e2e",
                    "--version",
                    "2.0.0",
                    "--wait",
                    "--timeout",
                    "3m",
                    "-o",
                    "json"));
    String id =
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> activeDeploymentInDeploy("vault-" + suffix), found -> found != null);
    sql(database, "insert into entries values ('written by the bad release')");
    Cli.Run rotated = Cli.run(env.server(), "secret", "rotate-master");
    assertThat(rotated.exit()).as(rotated.all()).isZero();
    assertThat(rotated.out()).contains("new primary master key");
    env.stack.stop(Service.BACKUP);
    env.stack.restart(Service.BACKUP);
    Files.writeString(go, "go");

    Cli.Run bad = release.get();
    assertThat(bad.exit()).as(bad.all()).isEqualTo(5);
    assertThat(E2eEnvironment.deployment(bad.out()).getId()).isEqualTo(id);
    assertThat(rowsOf(database, "select title from entries"))
        .as("restored from the backup taken before rotation")
        .containsExactly("kept");
    List<String> files =
        rowsOf(
            env.slipwayDb,
            "select a.path from backup.backup_artifacts a"
                + " join backup.backup_sets s on s.id = a.set_id where s.app = 'vault-"
                + suffix
                + "'");
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    for (String file : files) {
      byte[] head = Arrays.copyOf(Files.readAllBytes(Path.of(file)), 5);
      assertThat(new String(head, StandardCharsets.ISO_8859_1))
          .as(file + " is no readable pg_dump archive")
          .isNotEqualTo("PGDMP");
    }
  }

  private static String activeDeploymentInDeploy(String app) throws Exception {
    try (Connection c = env.slipway();
        PreparedStatement select =
            c.prepareStatement(
                "select id from orchestrator.deployments where app = ? and status = 'DEPLOY'")) {
      select.setString(1, app);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : null;
      }
    }
  }

  private static String libpqUrl(String jdbcUrl) {
    return jdbcUrl
        .replaceFirst("^jdbc:postgresql://", "postgresql://" + env.infrastructure.user() + "@")
        .replaceFirst("\\?.*$", "");
  }

  private static String rows(String sql) throws Exception {
    return String.join("\n", rowsOf(env.slipwayDb, sql));
  }

  private static List<String> rowsOf(String jdbcUrl, String sql) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl, env.infrastructure.user(), env.infrastructure.password());
        Statement statement = c.createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      List<String> values = new ArrayList<>();
      while (rows.next()) {
        values.add(rows.getString(1));
      }
      return values;
    }
  }

  private static void sql(String jdbcUrl, String... statements) throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl, env.infrastructure.user(), env.infrastructure.password());
        Statement statement = c.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }
}
