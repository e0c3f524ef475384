package dev.slipway.bench;

import dev.slipway.devstack.EmbeddedInfrastructure;
import dev.slipway.devstack.Service;
import dev.slipway.devstack.Stack;
import dev.slipway.devstack.WorkDirectory;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./slipway bench [--quick]}: the embedded stack of {@code ./slipway dev}, each scenario
 * measured on it, and one table of figures next to their goals and the raw baseline of the same
 * run. {@code --quick} makes every scenario small: it shows the harness works, not how fast it is.
 */
public final class BenchMain {
  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    boolean quick = List.of(args).contains("--quick");
    int runs = quick ? 20 : 200;
    int history = quick ? 10_000 : 1_000_000;
    int targets = quick ? 100 : 1_000;
    int watched = quick ? 100 : 2_400;
    Duration window = Duration.ofSeconds(quick ? 2 : 15);
    int backupMb = quick ? 20 : 500;
    int backupRuns = quick ? 1 : 3;
    Path home = Path.of(System.getProperty("slipway.home", ".")).toAbsolutePath().normalize();
    Path workDir = home.resolve(".slipway").resolve("bench");
    WorkDirectory.fresh(workDir);
    Report report = new Report();
    System.out.println("bench: starting PostgreSQL, Kafka and the four services ...");
    try (EmbeddedInfrastructure embedded = EmbeddedInfrastructure.start(workDir)) {
      embedded.postgres().createDatabase("bench");
      Map<Service, Map<String, String>> properties = new EnumMap<>(Service.class);
      try (Stack stack = Stack.start(home, workDir, embedded.infrastructure(), properties, 0);
          Slipway slipway = Slipway.connect(stack.orchestratorAddress(), stack.adminTokenFile());
          Connection db =
              DriverManager.getConnection(embedded.infrastructure().jdbcUrl(), "postgres", "")) {
        System.out.println("bench: raw baseline, " + runs + " runs ...");
        Latencies baseline = RawBaseline.measure(embedded.postgres().jdbcUrl("bench"), runs);
        System.out.println("bench: no-op releases, " + runs + " runs ...");
        NoopRelease.report(report, runs, NoopRelease.measure(slipway, runs), baseline);
        NoopRelease.breakdown(db, report);
        System.out.println("bench: event fan-out ...");
        FanOut.measure(db, report);
        System.out.printf("bench: sustained releases across %,d targets ...%n", targets);
        SustainedReleases.measure(slipway, targets, window, report);
        System.out.printf("bench: backup of a %d MB database against pg_dump ...%n", backupMb);
        BackupVsDump.measure(
            slipway, embedded.postgres(), db, workDir, backupMb, backupRuns, report);
        System.out.printf("bench: reads with %,d deployments in history ...%n", history);
        HistoryReads.measure(slipway, db, history, report);
        System.out.println("bench: services' memory and start ...");
        ServiceFootprint.measure(stack, report);
        System.out.println("bench: kill -9 of the orchestrator mid-deploy ...");
        CrashResume.measure(stack, slipway, stack.adminTokenFile(), report);
        System.out.printf("bench: standing watch of %,d targets ...%n", watched);
        WatchChecks.measure(slipway, watched, window, report);
      }
    }
    System.out.println();
    System.out.printf(
        "Slipway bench%s on %d cores, %s %s%n",
        quick ? " --quick (sizes too small to compare)" : "",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"));
    report.print(System.out);
    System.exit(0);
  }
}
