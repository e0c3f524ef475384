package dev.slipway.e2e;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The fault suite's checks beside {@link Invariants}, each from a record Slipway does not keep: the
 * deploy and rollback commands' own log of their runs, and what the webhook receiver accepted.
 */
final class FaultSuiteChecks {
  private final Path runs;
  private final Invariants.Database database;
  private final FaultyWebhook webhook;

  /** Deliveries accepted more than once under the same webhook-id: allowed, and counted. */
  final AtomicInteger repeatedDeliveries = new AtomicInteger();

  FaultSuiteChecks(Path runs, Invariants.Database database, FaultyWebhook webhook) {
    this.runs = runs;
    this.database = database;
    this.webhook = webhook;
  }

  /**
   * The command a target runs for {@code step} ({@code deploy} or {@code revert}): it logs "start",
   * then "end" 4 s later, each with the deployment and attempt, under a lock per deployment that a
   * run still alive holds ("overlap" when it is taken).
   */
  String command(String step) {
    String line = "${deploymentId} " + step + " ${attempt} >> " + runs;
    Path lock = runs.resolveSibling("${deploymentId}.lock");
    return "exec 9>>%s; if flock -n 9; then echo start %s; sleep 4; echo end %s; else echo overlap %s; fi"
        .formatted(lock, line, line, line);
  }

  /**
   * Each step ran at most once per attempt, only in attempts the orchestrator started, never beside
   * another run of its deployment; a deployment that succeeded saw its deploy through.
   */
  List<String> commandRuns(List<String> ids, Map<String, String> endings) throws SQLException {
    List<String> lines = runLines();
    List<String> violations = new ArrayList<>();
    for (String id : ids) {
      Map<String, Integer> starts = new HashMap<>();
      boolean deployEnded = false;
      for (String line : lines) {
        String[] words = line.split(" ");
        if (words.length != 4 || !words[1].equals(id)) {
          continue;
        }
        String run = words[2] + " attempt " + words[3];
        switch (words[0]) {
          case "start" -> starts.merge(run, 1, Integer::sum);
          case "end" -> deployEnded |= words[2].equals("deploy");
          default -> violations.add(id + ": " + run + " started while another run was alive");
        }
      }
      Set<String> attempts = attempts(id);
      starts.forEach(
          (run, count) -> {
            if (count > 1) {
              violations.add(id + ": " + run + " ran " + count + " times");
            }
            if (!attempts.contains(run)) {
              violations.add(id + ": " + run + " ran, but no such attempt was started");
            }
          });
      if ("SUCCEEDED".equals(endings.get(id)) && !deployEnded) {
        violations.add(id + ": SUCCEEDED without a deploy run that ended");
      }
    }
    return violations;
  }

  /**
   * Once the notifier has nothing pending for these deployments, each deployment's one notification
   * was accepted under exactly one webhook-id.
   */
  List<String> notifications(List<String> ids) {
    try {
      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .ignoreExceptions()
          .until(() -> settled(ids));
    } catch (ConditionTimeoutException e) {
      // Named below, deployment by deployment.
    }
    List<String> violations = new ArrayList<>();
    for (String id : ids) {
      String mark = "\"deploymentId\":\"" + id + "\"";
      List<FaultyWebhook.Accepted> arrived =
          webhook.accepted().stream().filter(a -> a.body().contains(mark)).toList();
      Set<String> webhookIds = new HashSet<>();
      arrived.forEach(a -> webhookIds.add(a.id()));
      repeatedDeliveries.addAndGet(arrived.size() - webhookIds.size());
      if (webhookIds.size() != 1) {
        violations.add(id + ": notifications accepted under webhook-ids " + webhookIds);
      }
    }
    return violations;
  }

  /** Every deployment has its delivery, and none waits for another attempt. */
  private boolean settled(List<String> ids) throws SQLException {
    try (Connection c = database.open();
        PreparedStatement select =
            c.prepareStatement(
                "select count(distinct deployment_id), count(*) filter (where status = 'PENDING')"
                    + " from notifier.deliveries where deployment_id = any (?::uuid[])")) {
      select.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getInt(1) == ids.size() && row.getInt(2) == 0;
      }
    }
  }

  /** "deploy attempt N" and "revert attempt N" for each attempt the orchestrator started. */
  private Set<String> attempts(String id) throws SQLException {
    try (Connection c = database.open();
        PreparedStatement select =
            c.prepareStatement(
                "select lower(phase), attempt from orchestrator.phases where deployment_id = ?::uuid"
                    + " and phase in ('DEPLOY', 'REVERT')")) {
      select.setString(1, id);
      Set<String> attempts = new HashSet<>();
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          attempts.add(rows.getString(1) + " attempt " + rows.getInt(2));
        }
      }
      return attempts;
    }
  }

  boolean started(String id, String step) {
    return runLines().stream().anyMatch(line -> line.startsWith("start " + id + " " + step + " "));
  }

  private List<String> runLines() {
    try {
      return Files.exists(runs) ? Files.readAllLines(runs) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the commands' own record " + runs, e);
    }
  }
}
