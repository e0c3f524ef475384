package dev.slipway.devstack;

import dev.slipway.devstack.demo.BlueGreenTarget;
import dev.slipway.devstack.demo.Demo;
import dev.slipway.devstack.demo.DemoProxy;
import dev.slipway.devstack.demo.DemoTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./slipway dev [--demo]} and {@code ./slipway demo}: a real PostgreSQL and a real KRaft
 * Kafka broker in this JVM, the four services as their own JVMs, and optionally the demo.
 */
public final class DevMain {
  private static final int ORCHESTRATOR_PORT = 9090;

  private DevMain() {}

  public static void main(String[] args) throws Exception {
    List<String> arguments = List.of(args);
    boolean demoOnly = arguments.contains("demo");
    boolean withDemo = demoOnly || arguments.contains("--demo");
    Path home = Path.of(System.getProperty("slipway.home", ".")).toAbsolutePath().normalize();
    Path workDir = home.resolve(".slipway").resolve(demoOnly ? "demo" : "dev");
    WorkDirectory.fresh(workDir);

    long started = System.nanoTime();
    System.out.println("starting PostgreSQL 15 and Kafka (KRaft) in-process ...");
    EmbeddedInfrastructure embedded = EmbeddedInfrastructure.start(workDir);
    EmbeddedPostgresServer postgres = embedded.postgres();
    postgres.createDatabase("journal");
    postgres.createDatabase("journal_bg");
    Infrastructure infrastructure = embedded.infrastructure();
    System.out.println(
        "starting orchestrator, backup-service, health-service, notifier-service ...");
    Map<Service, Map<String, String>> properties = new EnumMap<>(Service.class);
    Stack stack =
        Stack.start(home, workDir, infrastructure, properties, demoOnly ? 0 : ORCHESTRATOR_PORT);
    DemoTarget demo =
        new DemoTarget(
            "journal",
            "demo",
            Stack.freePort(),
            workDir.resolve("journal"),
            "postgresql://postgres@localhost:" + postgres.port() + "/journal",
            postgres.jdbcUrl("journal") + "?user=postgres",
            home,
            Optional.empty());
    BlueGreenTarget blueGreen =
        new BlueGreenTarget(
            "journal-bg",
            "demo",
            workDir.resolve("journal-bg"),
            Stack.freePort(),
            Stack.freePort(),
            Stack.freePort(),
            postgres.jdbcUrl("journal_bg") + "?user=postgres",
            home);
    DemoProxy proxy =
        withDemo
            ? DemoProxy.start(blueGreen.proxyPort(), blueGreen.slots(), blueGreen.slotPorts())
            : null;
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable shutdown =
        () -> {
          if (stopped.getAndSet(true)) {
            return;
          }
          try {
            demo.stop();
            blueGreen.stop();
            if (proxy != null) {
              proxy.close();
            }
            stack.close();
            embedded.close();
          } catch (Exception e) {
            System.err.println("shutdown: " + e);
          }
        };
    Runtime.getRuntime().addShutdownHook(new Thread(shutdown));
    System.out.printf("stack up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    System.out.println("  orchestrator gRPC  " + stack.orchestratorAddress());
    System.out.println("  PostgreSQL         " + infrastructure.jdbcUrl() + " (user postgres)");
    System.out.println(
        "  Kafka              "
            + infrastructure.kafkaBootstrap()
            + " (topic slipway.deployments.v1)");
    System.out.println("  logs               " + workDir.resolve("logs"));
    System.out.println(
        "  admin token        "
            + stack.adminTokenFile()
            + " (./slipway uses it when SLIPWAY_TOKEN is unset)");
    System.out.println(
        "  dashboard          http://127.0.0.1:" + stack.httpPort(Service.ORCHESTRATOR) + "/");
    // A local development stack: its admin token is the sign-in token the dashboard asks for.
    System.out.println("  sign in with       " + Files.readString(stack.adminTokenFile()).strip());
    System.out.println("  try: ./slipway --server " + stack.orchestratorAddress() + " status");

    boolean demoOk = true;
    if (withDemo) {
      // The embedded PostgreSQL trusts local connections; the password is stored all the same, as a
      // real one would be.
      String password = java.util.UUID.randomUUID().toString();
      demoOk =
          new Demo(
                  stack.orchestratorAddress(),
                  stack.adminTokenFile(),
                  demo,
                  blueGreen,
                  password,
                  System.out)
              .run(workDir.resolve("journal-target.yaml"));
      System.out.println(
          demoOk
              ? "demo: every release ended as expected"
              : "demo: FAILED — see above and " + workDir.resolve("logs"));
    }
    if (demoOnly) {
      System.out.printf("demo took %d ms in all%n", (System.nanoTime() - started) / 1_000_000);
      shutdown.run();
      System.exit(demoOk ? 0 : 1);
    }
    System.out.println("stack is running; Ctrl-C stops it");
    new CountDownLatch(1).await();
  }
}
