package dev.slipway.orchestrator;

import dev.slipway.platform.db.Transactions;
import dev.slipway.testkit.TestInfrastructure;
import io.micronaut.context.ApplicationContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

/** The orchestrator's database, or its whole wiring, on the testkit's real PostgreSQL. */
public final class OrchestratorFixtures {
  private OrchestratorFixtures() {}

  /**
   * The orchestrator's application context on a fresh database of its own. No broker: the tests
   * that use it are about the database; the relay backs off and waits.
   */
  public static ApplicationContext context(String database) throws Exception {
    TestInfrastructure infrastructure = TestInfrastructure.shared();
    Path dir = Files.createTempDirectory("orchestrator");
    return ApplicationContext.run(
        Map.of(
            "datasources.default.url", infrastructure.createDatabase(database),
            "datasources.default.username", infrastructure.user(),
            "datasources.default.password", infrastructure.password(),
            "slipway.kafka.bootstrap-servers", "127.0.0.1:9",
            "grpc.server.port", "${random.port}",
            "slipway.master-key-file", dir.resolve("master-key.json").toString(),
            "slipway.bootstrap-token-file", dir.resolve("admin.token").toString(),
            // A context left open stops at the JVM's exit: a step still running then is handed
            // back at once, within the test runner's time for shutdown hooks.
            "slipway.shutdown.grace", "1s"));
  }

  /** Plain JDBC transactions on a fresh database migrated to the orchestrator's schema. */
  public static Transactions migratedDatabase(String database) throws Exception {
    TestInfrastructure infrastructure = TestInfrastructure.shared();
    String url = infrastructure.createDatabase(database);
    Flyway.configure()
        .dataSource(url, infrastructure.user(), infrastructure.password())
        .schemas("orchestrator")
        .defaultSchema("orchestrator")
        .locations("classpath:db/orchestrator")
        .load()
        .migrate();
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(url);
    dataSource.setUser(infrastructure.user());
    dataSource.setPassword(infrastructure.password());
    dataSource.setCurrentSchema("orchestrator");
    return new Transactions(dataSource);
  }
}
