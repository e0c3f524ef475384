package dev.slipway.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.PhaseRecord;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Text and JSON rendering; progress goes to stderr, results to stdout. */
final class Printer {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

  private Printer() {}

  static void json(PrintWriter out, MessageOrBuilder message) {
    try {
      out.println(JsonFormat.printer().print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    out.flush();
  }

  static void progress(PrintWriter err, DeploymentEvent event) {
    String at = CLOCK.format(instant(event.getTime()));
    String line =
        switch (event.getKindCase()) {
          case REQUESTED ->
              "requested "
                  + event.getTarget().getApp()
                  + "/"
                  + event.getTarget().getEnvironment()
                  + " "
                  + event.getRequested().getVersion()
                  + (event.getRequested().getPreviousVersion().isEmpty()
                      ? ""
                      : " (running: " + event.getRequested().getPreviousVersion() + ")")
                  + (event.getRequested().getSlot().isEmpty()
                      ? ""
                      : " to slot " + event.getRequested().getSlot())
                  + " as deployment "
                  + event.getDeploymentId();
          case PHASE_STARTED ->
              name(event.getPhaseStarted().getPhase())
                  + step(event.getPhaseStarted().getStep(), event.getPhaseStarted().getWeight())
                  + " started"
                  + (event.getPhaseStarted().getInstancesCount() == 0
                      ? ""
                      : " on " + String.join(", ", event.getPhaseStarted().getInstancesList()))
                  + (event.getPhaseStarted().getSlot().isEmpty()
                      ? ""
                      : " (slot " + event.getPhaseStarted().getSlot() + ")")
                  + (event.getPhaseStarted().getAttempt() > 1
                      ? " (attempt " + event.getPhaseStarted().getAttempt() + ")"
                      : "");
          case PHASE_COMPLETED ->
              name(event.getPhaseCompleted().getPhase())
                  + step(event.getPhaseCompleted().getStep(), 0)
                  + switch (event.getPhaseCompleted().getOutcome()) {
                    case PHASE_OUTCOME_SUCCEEDED -> " succeeded";
                    case PHASE_OUTCOME_ERRORED -> " could not run (ERRORED)";
                    case PHASE_OUTCOME_NO_DATA -> " saw NO DATA";
                    default -> event.getPhaseCompleted().getSucceeded() ? " succeeded" : " FAILED";
                  }
                  + (event.getPhaseCompleted().getSummary().isEmpty()
                      ? ""
                      : ": " + event.getPhaseCompleted().getSummary());
          case FINISHED ->
              "finished: "
                  + status(event.getFinished().getStatus())
                  + (event.getFinished().getReason().isEmpty()
                      ? ""
                      : " — " + event.getFinished().getReason());
          case QUEUED ->
              "queued at position "
                  + event.getQueued().getPosition()
                  + ", behind deployment "
                  + event.getQueued().getBehindDeploymentId();
          case APPROVAL_REQUESTED ->
              "waiting for approval (0 of "
                  + event.getApprovalRequested().getRequired()
                  + ") until "
                  + instant(event.getApprovalRequested().getExpiresAt())
                  + "; approve with: slipway approve "
                  + event.getDeploymentId();
          case APPROVAL_GIVEN ->
              "approved by "
                  + event.getApprovalGiven().getBy()
                  + " ("
                  + event.getApprovalGiven().getApprovals()
                  + " of "
                  + event.getApprovalGiven().getRequired()
                  + ")"
                  + (event.getApprovalGiven().getComment().isEmpty()
                      ? ""
                      : ": " + event.getApprovalGiven().getComment());
          case APPROVAL_REJECTED ->
              "rejected by "
                  + event.getApprovalRejected().getBy()
                  + ": "
                  + event.getApprovalRejected().getReason();
          case APPROVAL_EXPIRED ->
              "approval expired ("
                  + event.getApprovalExpired().getApprovals()
                  + " of "
                  + event.getApprovalExpired().getRequired()
                  + ")";
          case HELD ->
              "held by freeze window '"
                  + event.getHeld().getWindow()
                  + "' ("
                  + event.getHeld().getReason()
                  + ") until "
                  + instant(event.getHeld().getUntil());
          case FREEZE_OVERRIDDEN ->
              "freeze window '"
                  + event.getFreezeOverridden().getWindow()
                  + "' overridden by "
                  + event.getFreezeOverridden().getBy()
                  + ": "
                  + event.getFreezeOverridden().getReason();
          case HEALTH_CHANGED ->
              "standing watch of "
                  + event.getTarget().getApp()
                  + "/"
                  + event.getTarget().getEnvironment()
                  + " "
                  + event.getHealthChanged().getVersion()
                  + ": "
                  + verdict(event.getHealthChanged().getVerdict())
                  + " (was "
                  + verdict(event.getHealthChanged().getPrevious())
                  + " for "
                  + lasted(
                      Duration.between(
                          instant(event.getHealthChanged().getPreviousSince()),
                          instant(event.getTime())))
                  + "): "
                  + event.getHealthChanged().getSummary();
          case PHASE_PROGRESS ->
              name(event.getPhaseProgress().getPhase())
                  + " #"
                  + event.getPhaseProgress().getAttempt()
                  + " in progress: "
                  + event.getPhaseProgress().getDetail();
          case PAUSED ->
              "PAUSED at step "
                  + event.getPaused().getStep()
                  + " ("
                  + event.getPaused().getWeight()
                  + "%): "
                  + event.getPaused().getReason()
                  + "; go on with: slipway promote "
                  + event.getDeploymentId()
                  + ", or roll back with: slipway abort "
                  + event.getDeploymentId()
                  + " --reason …";
          case RESUMED ->
              "promoted by "
                  + event.getResumed().getBy()
                  + " at step "
                  + event.getResumed().getStep()
                  + "; going on";
          case KIND_NOT_SET -> "unknown event " + event.getEventId();
        };
    err.println("[" + at + "] " + line);
    err.flush();
  }

  /** How many of the last lines of each step's output a deployment is shown with. */
  static final int LOG_TAIL = 20;

  static void deployment(PrintWriter out, Deployment d, boolean withPhases) {
    out.println(
        d.getId()
            + "  "
            + d.getTarget().getApp()
            + "/"
            + d.getTarget().getEnvironment()
            + "  "
            + d.getVersion()
            + (d.getPreviousVersion().isEmpty()
                    || d.getKind() == dev.slipway.proto.v1.DeploymentKind.DEPLOYMENT_KIND_RESTORE
                ? ""
                : " (was " + d.getPreviousVersion() + ")")
            + "  "
            + status(d.getStatus())
            + "  "
            + kind(d)
            + "by "
            + d.getRequestedBy()
            + "  "
            + DATE_TIME.format(instant(d.getCreatedAt())));
    if (!d.getReason().isEmpty()) {
      out.println("  reason: " + d.getReason());
    }
    if (!d.getSlot().isEmpty()) {
      out.println(
          "  blue-green: deploys to slot "
              + d.getSlot()
              + (d.getSwitched() ? "; its switch ran" : "; traffic not switched to it"));
    }
    if (d.getSpec().getStrategy().hasCanary()) {
      out.println(
          "  canary: "
              + (d.getStep() == 0
                  ? "no step yet"
                  : "step "
                      + d.getStep()
                      + " of "
                      + d.getSpec().getStrategy().getCanary().getStepsCount()
                      + ", weight "
                      + d.getWeight()
                      + "%"));
    }
    if (d.getSpec().getStrategy().hasRolling()) {
      var rolling = d.getSpec().getStrategy().getRolling();
      int perWave = Math.max(1, rolling.getMaxUnavailable());
      out.println(
          "  rolling: "
              + (d.getStep() == 0
                  ? "no wave yet"
                  : "wave "
                      + d.getStep()
                      + " of "
                      + (rolling.getInstancesCount() + perWave - 1) / perWave
                      + " ("
                      + String.join(", ", d.getInstancesList())
                      + ")")
              + "; instances "
              + String.join(", ", rolling.getInstancesList()));
    }
    if (!d.getRestoreSetId().isEmpty()) {
      out.println(
          "  restores backup set "
              + d.getRestoreSetId()
              + (d.getVersion().isEmpty()
                  ? " (no version is deployed, and none will be)"
                  : " (code stays at " + d.getVersion() + ")"));
    }
    if (!d.getForceReason().isEmpty()) {
      out.println("  forced: " + d.getForceReason());
    }
    if (!d.getFreezeOverrideReason().isEmpty()) {
      out.println("  overrides freeze windows: " + d.getFreezeOverrideReason());
    }
    if (d.getQueuePosition() > 0) {
      out.println("  queue position: " + d.getQueuePosition());
    }
    if (d.getApprovalsRequired() > 0) {
      out.println(
          "  approvals: "
              + d.getApprovalsCount()
              + " of "
              + d.getApprovalsRequired()
              + d.getApprovalsList().stream()
                  .map(
                      a ->
                          "\n    "
                              + a.getBy()
                              + " at "
                              + DATE_TIME.format(instant(a.getAt()))
                              + (a.getComment().isEmpty() ? "" : ": " + a.getComment()))
                  .collect(java.util.stream.Collectors.joining()));
    }
    if (withPhases) {
      for (PhaseRecord phase : d.getPhasesList()) {
        out.println(
            "  "
                + String.format(
                    Locale.ROOT,
                    "%-16s %-9s %s",
                    name(phase.getPhase())
                        + (phase.getStep() > 0 ? "/" + phase.getStep() : "")
                        + "#"
                        + phase.getAttempt(),
                    phase.getOutcome().name().substring("PHASE_OUTCOME_".length()),
                    phase.getSummary()));
        phase
            .getEvidenceList()
            .forEach(
                e ->
                    out.println(
                        "      "
                            + (e.getPassed() ? "ok   " : "FAIL ")
                            + e.getName()
                            + ": "
                            + e.getDetail()));
        phase.getLogList().forEach(line -> out.println("      | " + line));
        if (phase.getLogLines() > phase.getLogCount()) {
          out.println(
              "      ("
                  + phase.getLogLines()
                  + " lines in all: slipway logs "
                  + d.getId()
                  + " --phase "
                  + name(phase.getPhase())
                  + (phase.getStep() > 0 ? " --step " + phase.getStep() : "")
                  + " --attempt "
                  + phase.getAttempt()
                  + ")");
        }
      }
    }
    out.flush();
  }

  /** " step 2 (50%)" for a canary step's phase; nothing outside the steps. */
  private static String step(int step, int weight) {
    return step == 0 ? "" : " step " + step + (weight > 0 ? " (" + weight + "%)" : "");
  }

  private static String kind(Deployment d) {
    return switch (d.getKind()) {
      case DEPLOYMENT_KIND_ROLLBACK -> "rollback ";
      case DEPLOYMENT_KIND_RESTORE -> "restore ";
      default -> "";
    };
  }

  static String verdict(dev.slipway.proto.v1.HealthVerdict verdict) {
    return verdict.name().substring("HEALTH_VERDICT_".length());
  }

  /** The standing watch's verdict of a running version: "UNHEALTHY for 4m10s (since …): …". */
  static String health(dev.slipway.proto.v1.WatchedHealth health, Instant now) {
    return verdict(health.getVerdict())
        + " for "
        + lasted(Duration.between(instant(health.getSince()), now))
        + " (since "
        + time(health.getSince())
        + ")"
        + (health.getSummary().isEmpty() ? "" : ": " + health.getSummary());
  }

  /** A duration as people read it: 45s, 4m10s, 3h2m, 2d5h. */
  static String lasted(Duration duration) {
    long s = Math.max(0, duration.toSeconds());
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
    if (s < 86400) {
      return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : s % 3600 / 60 + "m");
    }
    return s / 86400 + "d" + (s % 86400 / 3600 == 0 ? "" : s % 86400 / 3600 + "h");
  }

  static String status(dev.slipway.proto.v1.DeploymentStatus status) {
    return status.name().substring("DEPLOYMENT_STATUS_".length());
  }

  static String name(dev.slipway.proto.v1.Phase phase) {
    return phase.name().substring("PHASE_".length());
  }

  static String time(Timestamp timestamp) {
    return DATE_TIME.format(instant(timestamp));
  }

  static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  /** The phase {@code --phase} names; a usage error saying {@code expected} when it names none. */
  static dev.slipway.proto.v1.Phase phase(String name, String expected) {
    try {
      return dev.slipway.proto.v1.Phase.valueOf("PHASE_" + name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new SlipwayCli.UsageError("--phase " + name + " is not a phase; " + expected);
    }
  }
}
