package dev.slipway.e2e;

import static org.awaitility.Awaitility.await;

import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.core.ConditionTimeoutException;

/**
 * An independent check of what a run left behind, read from the topic and the orchestrator's
 * database rather than through Slipway's API: every deployment reached a terminal status, its
 * events are on the topic once each in sequence, all that its outbox holds, and they follow the
 * life of a deployment (requested first, finished last and once, one phase at a time, each attempt
 * started before it completes and every attempt newer than the last, each phase one that may follow
 * the last as {@link PhaseOrder} says, and the end one that may follow the last phase).
 */
final class Invariants {
  private static final Set<String> TERMINAL =
      Set.of("SUCCEEDED", "FAILED", "CANCELLED", "ROLLED_BACK", "ROLLBACK_FAILED");

  private Invariants() {}

  /** Opens a connection to the Slipway database. */
  interface Database {
    Connection open() throws java.sql.SQLException;
  }

  /** What is wrong with these deployments; empty when nothing is. */
  static List<String> violations(E2eEnvironment env, Set<String> deployments) throws Exception {
    return violations(env.infrastructure.kafkaBootstrap(), env::slipway, deployments);
  }

  static List<String> violations(String kafka, Database database, Set<String> deployments)
      throws Exception {
    // What the relay has yet to publish gets a minute; what it never publishes is a violation.
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptions()
          .until(() -> unpublished(database, deployments) == 0);
    } catch (ConditionTimeoutException e) {
      // Counted below, deployment by deployment.
    }
    Map<String, List<DeploymentEvent>> onTopic = new HashMap<>();
    for (var record : AuditTopic.readAll(kafka, Topics.DEPLOYMENTS, Duration.ofSeconds(60))) {
      String subject = AuditTopic.header(record, "ce_subject");
      if (subject == null || !deployments.contains(subject)) {
        continue; // another deployment's, or a fault test's undecodable record
      }
      DeploymentEvent event = AuditTopic.decode(record);
      if (deployments.contains(event.getDeploymentId())) {
        onTopic.computeIfAbsent(event.getDeploymentId(), k -> new ArrayList<>()).add(event);
      }
    }
    List<String> violations = new ArrayList<>();
    for (String id : deployments) {
      List<DeploymentEvent> events = onTopic.getOrDefault(id, List.of());
      String status =
          stored(database, "select status from orchestrator.deployments where id = ?::uuid", id);
      if (!TERMINAL.contains(status)) {
        violations.add(id + ": not terminal but " + status);
      }
      String outbox =
          stored(
              database,
              "select count(*) from orchestrator.events where deployment_id = ?::uuid",
              id);
      if (Long.parseLong(outbox) != events.size()) {
        violations.add(id + ": " + events.size() + " event(s) on the topic, " + outbox + " stored");
      }
      violations.addAll(lifeOf(id, events, status));
    }
    return violations;
  }

  static List<String> lifeOf(String id, List<DeploymentEvent> events, String status) {
    List<String> violations = new ArrayList<>();
    Set<String> eventIds = new HashSet<>();
    Map<String, Integer> lastAttempt = new HashMap<>();
    DeploymentEvent.KindCase previous = null;
    Phase open = null;
    int openAttempt = 0;
    int openStep = 0;
    Phase lastEnded = null;
    PhaseOutcome lastOutcome = PhaseOutcome.PHASE_OUTCOME_UNSPECIFIED;
    for (int i = 0; i < events.size(); i++) {
      DeploymentEvent event = events.get(i);
      String at = id + " #" + event.getSequence() + " " + event.getKindCase();
      if (!eventIds.add(event.getEventId())) {
        violations.add(at + ": event " + event.getEventId() + " twice on the topic");
      }
      if (event.getSequence() != i + 1) {
        violations.add(at + ": sequence " + event.getSequence() + " where " + (i + 1) + " belongs");
      }
      if (i == 0 && !event.hasRequested()) {
        violations.add(at + ": the first event is not requested");
      }
      if (previous == DeploymentEvent.KindCase.FINISHED) {
        violations.add(at + ": an event after finished");
      }
      switch (event.getKindCase()) {
        case PHASE_STARTED -> {
          var started = event.getPhaseStarted();
          if (open != null) {
            violations.add(at + ": " + started.getPhase() + " started while " + open + " runs");
          }
          PhaseOrder.refusesStart(lastEnded, lastOutcome, started.getPhase())
              .ifPresent(why -> violations.add(at + ": " + why));
          // A canary runs WEIGHT and ANALYSIS once per step, a rolling release DEPLOY and VERIFY
          // once per wave: attempts count within a step.
          String run = started.getPhase() + " step " + started.getStep();
          if (started.getAttempt() <= lastAttempt.getOrDefault(run, 0)) {
            violations.add(at + ": attempt " + started.getAttempt() + " is not a new one");
          }
          lastAttempt.put(run, started.getAttempt());
          openStep = started.getStep();
          open = started.getPhase();
          openAttempt = started.getAttempt();
        }
        case PHASE_COMPLETED -> {
          var completed = event.getPhaseCompleted();
          if (completed.getPhase() != open
              || completed.getAttempt() != openAttempt
              || completed.getStep() != openStep) {
            violations.add(
                at
                    + ": "
                    + completed.getPhase()
                    + " #"
                    + completed.getAttempt()
                    + " never started");
          }
          open = null;
          lastEnded = completed.getPhase();
          lastOutcome = completed.getOutcome();
        }
        case FINISHED -> {
          if (open != null) {
            violations.add(at + ": finished while " + open + " runs");
          }
          PhaseOrder.refusesEnd(
                  lastEnded,
                  lastOutcome,
                  status,
                  !events.getFirst().getRequested().getSlot().isEmpty())
              .ifPresent(why -> violations.add(at + ": " + why));
          String finished = event.getFinished().getStatus().name();
          if (!finished.equals("DEPLOYMENT_STATUS_" + status)) {
            violations.add(at + ": finished as " + finished + " but stored as " + status);
          }
        }
        default -> {}
      }
      previous = event.getKindCase();
    }
    if (previous != DeploymentEvent.KindCase.FINISHED) {
      violations.add(id + ": no finished event last (" + events.size() + " event(s))");
    }
    return violations;
  }

  /** How many events of these deployments the relay has yet to publish. */
  static long unpublished(Database database, java.util.Collection<String> deployments)
      throws java.sql.SQLException {
    try (Connection c = database.open();
        PreparedStatement select =
            c.prepareStatement(
                "select count(*) from orchestrator.events where published_at is null"
                    + " and deployment_id = any (?::uuid[])")) {
      select.setArray(1, c.createArrayOf("text", deployments.toArray()));
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  private static String stored(Database database, String sql, String id) throws Exception {
    try (Connection c = database.open();
        PreparedStatement select = c.prepareStatement(sql)) {
      select.setString(1, id);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? row.getString(1) : "missing";
      }
    }
  }
}
