package dev.slipway.e2e;

import com.google.protobuf.util.JsonFormat;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.slipway.devstack.Infrastructure;
import dev.slipway.devstack.Service;
import dev.slipway.devstack.Stack;
import dev.slipway.devstack.demo.DemoTarget;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.testkit.TestInfrastructure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Slipway per test JVM: the four services as separate JVMs on the testkit's PostgreSQL and
 * Kafka, a webhook receiver as the notifier's channel "ops", and the demo journal as a target.
 */
final class E2eEnvironment {
  private static final Pattern JDBC =
      Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/([^?]+).*");
  private static E2eEnvironment shared;

  final TestInfrastructure infrastructure;
  final String slipwayDb;
  final String journalDb;
  final WebhookReceiver webhook;
  final SlackReceiver slack;
  final GreenMail mail;
  final OtlpReceiver otlp;
  final String webhookSecret;
  final Stack stack;
  final Path workDir;
  final DemoTarget journal;

  /**
   * The journal database's password as stored in the secret store: distinctive where the server
   * trusts any.
   */
  final String journalDbSecret;

  /** Every service exports its spans to the test's OTLP receiver, in batches 100 ms apart. */
  private Map<Service, Map<String, String>> traced(Map<Service, Map<String, String>> properties) {
    Map<Service, Map<String, String>> traced = new java.util.EnumMap<>(Service.class);
    for (Service service : Service.values()) {
      Map<String, String> own = new java.util.HashMap<>(properties.getOrDefault(service, Map.of()));
      own.put("otel.exporter.otlp.traces.endpoint", otlp.tracesEndpoint());
      own.put("otel.exporter.otlp.protocol", "http/protobuf");
      own.put("otel.bsp.schedule.delay", "100");
      traced.put(service, own);
    }
    return traced;
  }

  private E2eEnvironment() throws Exception {
    infrastructure = TestInfrastructure.shared();
    slipwayDb = infrastructure.createDatabase("slipway");
    journalDb = infrastructure.createDatabase("journal");
    webhook = new WebhookReceiver();
    webhook.refuseFirstAttempts();
    slack = new SlackReceiver();
    otlp = new OtlpReceiver();
    mail = new GreenMail(new ServerSetup(Stack.freePort(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    mail.start();
    byte[] key = new byte[24];
    new SecureRandom().nextBytes(key);
    webhookSecret = "whsec_" + Base64.getEncoder().encodeToString(key);
    Path home = Path.of(System.getProperty("slipway.home", "..")).toAbsolutePath().normalize();
    workDir = Files.createTempDirectory("slipway-e2e");
    stack =
        Stack.start(
            home,
            workDir,
            new Infrastructure(
                slipwayDb,
                infrastructure.user(),
                infrastructure.password(),
                infrastructure.kafkaBootstrap()),
            traced(
                Map.of(
                    Service.NOTIFIER,
                        Map.ofEntries(
                            Map.entry("slipway.notifier.channels.ops.url", webhook.url()),
                            Map.entry("slipway.notifier.channels.ops.secret", webhookSecret),
                            Map.entry("slipway.notifier.channels.retired.url", webhook.goneUrl()),
                            Map.entry("slipway.notifier.channels.retired.secret", webhookSecret),
                            // Down until a test brings it up; one retry a second later, then DEAD.
                            Map.entry("slipway.notifier.channels.flaky.url", webhook.flakyUrl()),
                            Map.entry("slipway.notifier.channels.flaky.secret", webhookSecret),
                            Map.entry("slipway.notifier.channels.flaky.retry-schedule", "1s"),
                            // Answers nothing for 30 s; tried again an hour later.
                            Map.entry("slipway.notifier.channels.hanging.url", webhook.hangUrl()),
                            Map.entry("slipway.notifier.channels.hanging.secret", webhookSecret),
                            Map.entry("slipway.notifier.channels.hanging.retry-schedule", "1h"),
                            Map.entry("slipway.notifier.channels.slack.type", "slack"),
                            Map.entry("slipway.notifier.channels.slack.url", slack.url()),
                            Map.entry("slipway.notifier.channels.slack.retry-schedule", "1s,1s,1s"),
                            Map.entry(
                                "slipway.notifier.dashboard-url", "https://slipway.example.com"),
                            Map.entry("slipway.notifier.channels.mail.type", "email"),
                            Map.entry("slipway.notifier.channels.mail.smtp-host", "127.0.0.1"),
                            Map.entry(
                                "slipway.notifier.channels.mail.smtp-port",
                                Integer.toString(mail.getSmtp().getPort())),
                            Map.entry("slipway.notifier.channels.mail.starttls", "false"),
                            Map.entry("slipway.notifier.channels.mail.from", "slipway@example.com"),
                            Map.entry(
                                "slipway.notifier.channels.mail.to",
                                "ops@example.com, oncall@example.com"),
                            Map.entry("slipway.grpc.reflection", "true")),
                    // A short runner lease, so a test sees a lost lease within seconds; long
                    // enough that a killed runner is seen gone by its process before it runs out.
                    // JSON logs from all but the notifier, which keeps the default text.
                    Service.ORCHESTRATOR,
                        Map.of(
                            "slipway.runner-lease",
                            "6s",
                            "slipway.grpc.reflection",
                            "true",
                            "SLIPWAY_LOG_FORMAT",
                            "json"),
                    // Reflection everywhere, so the access test can enumerate what every service
                    // registers.
                    Service.BACKUP,
                        Map.of("slipway.grpc.reflection", "true", "SLIPWAY_LOG_FORMAT", "json"),
                    // A short shutdown grace, so that a restart hands a long VERIFY back.
                    Service.HEALTH,
                        Map.of(
                            "slipway.grpc.reflection",
                            "true",
                            "SLIPWAY_LOG_FORMAT",
                            "json",
                            "slipway.shutdown.grace",
                            "3s"))),
            0);
    Cli.adminToken = stack.adminTokenFile();
    journalDbSecret =
        infrastructure.password().isEmpty()
            ? "jdb-" + UUID.randomUUID()
            : infrastructure.password();
    setSecret(DemoTarget.DB_SECRET, journalDbSecret);
    journal =
        new DemoTarget(
            "journal",
            "e2e",
            Stack.freePort(),
            workDir.resolve("journal"),
            backupUrl(journalDb),
            journalDb + "?user=" + infrastructure.user() + "&password=" + infrastructure.password(),
            home,
            Optional.of("ops"));
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    journal.stop();
                    stack.close();
                  } catch (Exception e) {
                    System.err.println("stopping e2e stack: " + e);
                  }
                  webhook.close();
                  slack.close();
                  otlp.close();
                  mail.stop();
                }));
  }

  static synchronized E2eEnvironment get() throws Exception {
    if (shared == null) {
      shared = new E2eEnvironment();
    }
    return shared;
  }

  /** Stores a secret through the CLI, the value from a file as an operator would. */
  void setSecret(String name, String value) throws Exception {
    Path file = Files.createTempFile(workDir, "secret", ".txt");
    Files.writeString(file, value);
    Cli.Run run = Cli.run(server(), "secret", "set", name, "--file", file.toString());
    Files.delete(file);
    if (run.exit() != 0) {
      throw new AssertionError("secret set failed: " + run.all());
    }
  }

  /** Creates a token through the CLI and writes its secret to a file; returns the file. */
  Path token(String name, String... scopes) throws Exception {
    List<String> args = new ArrayList<>(List.of("token", "create", "--name", name));
    for (String scope : scopes) {
      args.addAll(List.of("--scope", scope));
    }
    Cli.Run run = Cli.run(server(), args.toArray(String[]::new));
    if (run.exit() != 0) {
      throw new AssertionError("token create failed: " + run.all());
    }
    return Files.writeString(workDir.resolve(name + ".token"), run.out().strip());
  }

  /** Attaches the admin token to raw gRPC calls. */
  io.grpc.ClientInterceptor adminCredentials() throws java.io.IOException {
    return bearer(stack.adminTokenFile());
  }

  /** Attaches the token in {@code tokenFile} to raw gRPC calls. */
  static io.grpc.ClientInterceptor bearer(Path tokenFile) throws java.io.IOException {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    headers.put(
        io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
        "Bearer " + Files.readString(tokenFile).strip());
    return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  String server() {
    return stack.orchestratorAddress();
  }

  /** A connection to Slipway's own database, where each service has its schema. */
  Connection slipway() throws SQLException {
    return DriverManager.getConnection(slipwayDb, infrastructure.user(), infrastructure.password());
  }

  /** Registers a target from YAML through the CLI, as an admin would. */
  void apply(Path dir, String name, String yaml) throws Exception {
    Path spec = Files.writeString(dir.resolve(name + ".yaml"), yaml);
    Cli.Run run = Cli.run(server(), "target", "apply", "-f", spec.toString());
    if (run.exit() != 0) {
      throw new AssertionError("target apply failed: " + run.all());
    }
  }

  /** A deployment as {@code slipway status ID -o json} shows it. */
  Deployment status(String id) throws Exception {
    return deployment(Cli.run(server(), "status", id, "-o", "json").out());
  }

  /**
   * {@code slipway deploy --wait -o json} of a version to a target in environment e2e, as the
   * admin, with {@code options} added.
   */
  Cli.Run deployAndWait(String app, String version, String... options) {
    List<String> line =
        new ArrayList<>(
            List.of(
                "deploy",
                "--app",
                app,
                "--env",
                "e2e",
                "--version",
                version,
                "--wait",
                "--timeout",
                "3m",
                "-o",
                "json"));
    line.addAll(List.of(options));
    return Cli.run(server(), line.toArray(String[]::new));
  }

  /**
   * A target in e2e whose release has every kind of work: a deploy, a backup of {@code file}, a TCP
   * check of the orchestrator, and a notification to "ops" when it succeeds.
   */
  void applyWholeRelease(String app, Path file) throws Exception {
    apply(
        file.getParent(),
        app,
        """
        app: %s
        environment: e2e
        deploy: { command: ["true"] }
        backup: { items: [{ type: files, paths: [%s] }] }
        health:
          checks: [ { type: tcp, address: "127.0.0.1:%d" } ]
          interval: 1s
          successThreshold: 2
        notify:
          - { channel: ops, on: [succeeded] }
        """
            .formatted(app, file, stack.port(Service.ORCHESTRATOR)));
  }

  /** {@code slipway deploy -o json} without waiting, as the admin; the deployment is in out(). */
  Cli.Run deploy(String server, String app, String environment, String version) {
    return Cli.run(
        server, "deploy", "--app", app, "--env", environment, "--version", version, "-o", "json");
  }

  /** The one number a query of Slipway's database with one text parameter answers. */
  long count(String sql, String parameter) throws SQLException {
    try (Connection c = slipway();
        java.sql.PreparedStatement select = c.prepareStatement(sql)) {
      select.setString(1, parameter);
      try (java.sql.ResultSet result = select.executeQuery()) {
        result.next();
        return result.getLong(1);
      }
    }
  }

  /** The first record of a phase of a deployment. */
  static dev.slipway.proto.v1.PhaseRecord phase(Deployment d, dev.slipway.proto.v1.Phase phase) {
    return d.getPhasesList().stream().filter(p -> p.getPhase() == phase).findFirst().orElseThrow();
  }

  static Deployment deployment(String json) throws Exception {
    Deployment.Builder builder = Deployment.newBuilder();
    JsonFormat.parser().merge(json, builder);
    return builder.build();
  }

  /** A database of the testkit's PostgreSQL as a backup item's url: user, host, port, name. */
  String backupUrl(String jdbcUrl) {
    Matcher db = JDBC.matcher(jdbcUrl);
    if (!db.matches()) {
      throw new IllegalStateException("unexpected JDBC URL " + jdbcUrl);
    }
    return "postgresql://%s@%s:%s/%s"
        .formatted(infrastructure.user(), db.group(1), db.group(2), db.group(3));
  }

  /** Runs statements in a database of the testkit's PostgreSQL, as the target's own code would. */
  void sql(String jdbcUrl, String... statements) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(jdbcUrl, infrastructure.user(), infrastructure.password());
        java.sql.Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  Connection journalDatabase() throws SQLException {
    return DriverManager.getConnection(journalDb, infrastructure.user(), infrastructure.password());
  }
}
