package dev.slipway.orchestrator.deployments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.orchestrator.OrchestratorFixtures;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.orchestrator.targets.TargetDocuments;
import dev.slipway.orchestrator.targets.Targets;
import dev.slipway.platform.db.Transactions;
import io.micronaut.context.ApplicationContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Creating and listing deployments through the orchestrator's own wiring on a real PostgreSQL:
 * racing creates, idempotent retries under a race, and keyset pages over a long history.
 */
class DeploymentsTest {
  private static final int RACERS = 8;
  private static ApplicationContext context;
  private static Deployments deployments;
  private static DeploymentHistory history;
  private static Transactions transactions;

  @BeforeAll
  static void start() throws Exception {
    context = OrchestratorFixtures.context("deployments");
    deployments = context.getBean(Deployments.class);
    history = context.getBean(DeploymentHistory.class);
    transactions = context.getBean(Transactions.class);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @Test
  void ofCreatesRacingForOneTargetExactlyOneWinsAndTheOthersAreToldWhichOne() throws Exception {
    apply("racing");
    List<Future<UUID>> results =
        race(i -> deployments.create(request("racing", "1.0." + i, "race-" + i)).deployment().id());

    List<UUID> won = new ArrayList<>();
    List<String> refusals = new ArrayList<>();
    for (Future<UUID> result : results) {
      try {
        won.add(result.get());
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(Refused.class);
        refusals.add(e.getCause().getMessage());
      }
    }
    assertThat(won).hasSize(1);
    assertThat(refusals)
        .hasSize(RACERS - 1)
        .allSatisfy(
            why ->
                assertThat(why)
                    .isEqualTo(
                        "target racing/qa is busy: deployment "
                            + won.getFirst()
                            + " is still running (DEPLOY); wait for it, or queue behind it with"
                            + " --queue"));
    assertThat(count("select count(*) from deployments where app = 'racing'")).isEqualTo(1);
  }

  @Test
  void aRetryRacingItselfWithOneIdempotencyKeyIsOneDeployment() throws Exception {
    apply("retried");
    List<Future<UUID>> results =
        race(i -> deployments.create(request("retried", "2.0.0", "ci-run-42")).deployment().id());

    Set<UUID> ids = new HashSet<>();
    for (Future<UUID> result : results) {
      ids.add(result.get());
    }
    assertThat(ids).hasSize(1);
    assertThat(count("select count(*) from deployments where app = 'retried'")).isEqualTo(1);
  }

  @Test
  void aLongHistoryIsPagedNewestFirstWithNothingMissedOrRepeated() {
    Instant base = Instant.parse("2026-01-01T00:00:00Z");
    transactions.inTransaction(
        c -> {
          try (var insert =
              c.prepareStatement(
                  "insert into deployments (id, app, environment, kind, version, previous_version,"
                      + " requested_by, target_revision, spec_json, status, attempt, reason,"
                      + " last_sequence, backup_taken, idempotency_key, created_at, updated_at)"
                      + " select gen_random_uuid(), 'paged', case when n % 4 = 0 then 'prod' else 'qa' end,"
                      + " 'DEPLOY', '1.0.' || n, '', 'ci', 1, '{}', 'SUCCEEDED', 1, '', 4, false,"
                      + " 'bulk-' || n, ?::timestamptz + (n / 10) * interval '1 second', now()"
                      + " from generate_series(1, 1000) n")) {
            insert.setObject(1, base.toString());
            return insert.executeUpdate();
          }
        });

    List<StoredDeployment> seen = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      DeploymentHistory.Page page = history.list("paged", "qa", 100, token);
      assertThat(page.deployments()).hasSizeLessThanOrEqualTo(100);
      seen.addAll(page.deployments());
      token = page.nextPageToken();
      pages++;
    } while (!token.isEmpty());

    assertThat(pages).isEqualTo(8);
    assertThat(seen).hasSize(750);
    assertThat(seen.stream().map(d -> d.deployment().id())).doesNotHaveDuplicates();
    assertThat(seen).allSatisfy(d -> assertThat(d.deployment().environment()).isEqualTo("qa"));
    for (int i = 1; i < seen.size(); i++) {
      StoredDeployment newer = seen.get(i - 1);
      StoredDeployment older = seen.get(i);
      assertThat(
              newer.createdAt().isAfter(older.createdAt())
                  || newer.createdAt().equals(older.createdAt())
                      && newer
                              .deployment()
                              .id()
                              .toString()
                              .compareTo(older.deployment().id().toString())
                          > 0)
          .as("newest first, ties broken by id as PostgreSQL orders uuids (bytewise), at " + i)
          .isTrue();
    }
    assertThat(history.list("paged", "", 500, "").deployments()).hasSize(500);
    assertThatThrownBy(() -> history.list("paged", "qa", 100, "not-a-token"))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e -> assertThat(e.violations().getFirst().field()).isEqualTo("page_token"));
  }

  private interface Racer {
    UUID run(int index) throws Exception;
  }

  /** Starts {@link #RACERS} calls at the same moment. */
  private static List<Future<UUID>> race(Racer racer) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    try (ExecutorService pool = Executors.newFixedThreadPool(RACERS)) {
      List<Future<UUID>> results = new ArrayList<>();
      for (int i = 0; i < RACERS; i++) {
        int index = i;
        Callable<UUID> call =
            () -> {
              go.await();
              return racer.run(index);
            };
        results.add(pool.submit(call));
      }
      go.countDown();
      return results;
    }
  }

  /** A target whose deploy keeps the winner of a race active well past the race (20 s). */
  private static void apply(String app) {
    context
        .getBean(Targets.class)
        .apply(
            TargetDocuments.parse(
                "app: " + app + "\nenvironment: qa\ndeploy: { command: [\"sleep\", \"20\"] }\n"));
  }

  private static Deployments.Request request(String app, String version, String key) {
    return new Deployments.Request(app, "qa", version, Kind.DEPLOY, key, "ci");
  }

  private static long count(String sql) {
    return transactions.read(
        c -> {
          try (var row = c.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
          }
        });
  }
}
