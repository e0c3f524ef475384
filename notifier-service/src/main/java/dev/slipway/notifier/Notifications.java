package dev.slipway.notifier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.platform.events.PhaseNames;
import dev.slipway.platform.events.WatchVerdicts;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.grpc.ProtoTime;
import dev.slipway.platform.kafka.EventHandler;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.NotifyRule;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Decides who is told about each event: for every notify rule of the deployment's (pinned) target
 * spec that wants this kind of event, one delivery row, unique per (event, channel). The {@link
 * Dispatcher} sends them.
 */
@Singleton
public class Notifications implements EventHandler {
  /** What a rule with no {@code on} list is told about. */
  static final Set<String> DEFAULT_EVENTS =
      Set.of(
          "requested",
          "approval_requested",
          "paused",
          "succeeded",
          "failed",
          "cancelled",
          "rolled_back",
          "rollback_failed",
          "unhealthy",
          "healthy",
          "unchecked");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CACHED_DEPLOYMENTS = 1_000;

  private final OrchestratorClient orchestrator;
  private final ChannelDirectory channels;
  private final Dispatcher dispatcher;
  private final DeliveryRepository deliveries;
  private final Clock clock;
  private final Supplier<UUID> ids;
  private final Map<String, StepContext> deployments = new ConcurrentHashMap<>();

  public Notifications(
      OrchestratorClient orchestrator,
      ChannelDirectory channels,
      Dispatcher dispatcher,
      DeliveryRepository deliveries,
      Clock clock,
      Supplier<UUID> ids) {
    this.deliveries = deliveries;
    this.ids = ids;
    this.orchestrator = orchestrator;
    this.channels = channels;
    this.dispatcher = dispatcher;
    this.clock = clock;
  }

  /**
   * The deployment's pinned spec and identity, from the orchestrator: before the inbox transaction
   * opens.
   */
  @Override
  public void beforeTransaction(DeploymentEvent event) throws InterruptedException {
    String id = deploymentOf(event);
    StepContext context = deployments.get(id);
    if (context == null) {
      context = orchestrator.stepContext(id);
      if (deployments.size() >= CACHED_DEPLOYMENTS) {
        deployments.clear();
      }
      deployments.put(id, context);
    }
    // A channel applied a moment ago is looked up now, not inside the transaction.
    channels.refreshIfUnknown(
        context.getSpec().getNotifyList().stream().map(NotifyRule::getChannel).toList(),
        ProtoTime.instant(event.getTime()));
  }

  @Override
  public Runnable handle(DeploymentEvent event, Connection tx) throws SQLException {
    String type = type(event);
    StepContext deployment = deployments.get(deploymentOf(event));
    if (deployment == null) {
      // Evicted since it was fetched: the consumer retries, fetching it again first.
      throw new IllegalStateException(
          "the context of deployment " + deploymentOf(event) + " is not fetched");
    }
    int created = 0;
    for (NotifyRule rule : deployment.getSpec().getNotifyList()) {
      Set<String> wanted = rule.getOnCount() == 0 ? DEFAULT_EVENTS : Set.copyOf(rule.getOnList());
      if (wanted.contains(type)) {
        created += insert(event, rule.getChannel(), type, payload(event, deployment, type));
      }
    }
    if (event.hasFinished()) {
      deployments.remove(event.getDeploymentId());
    }
    return created == 0 ? NOTHING : dispatcher::wake;
  }

  private int insert(DeploymentEvent event, String channel, String type, String payload) {
    boolean configured = channels.get(channel).isPresent();
    return (int)
        deliveries.insertIfAbsent(
            ids.get(),
            UUID.fromString(event.getEventId()),
            channel,
            UUID.fromString(deploymentOf(event)),
            type,
            payload,
            configured ? DeliveryStatus.PENDING : DeliveryStatus.FAILED,
            configured ? "" : "channel '" + channel + "' is not configured on the notifier-service",
            clock.instant());
  }

  /**
   * The deployment whose pinned spec says who is told: the event's own, or for a target event the
   * one that put the watched version in place.
   */
  private static String deploymentOf(DeploymentEvent event) {
    return event.hasHealthChanged()
        ? event.getHealthChanged().getDeploymentId()
        : event.getDeploymentId();
  }

  /** The version the event is about: a deployment's, or the one a target event watched. */
  private static String versionOf(DeploymentEvent event, StepContext deployment) {
    return event.hasHealthChanged()
        ? event.getHealthChanged().getVersion()
        : deployment.getVersion();
  }

  /** The notify rule name of an event: requested, phase_started, phase_completed, succeeded, ... */
  static String type(DeploymentEvent event) {
    return switch (event.getKindCase()) {
      case REQUESTED -> "requested";
      case PHASE_STARTED -> "phase_started";
      case PHASE_COMPLETED -> "phase_completed";
      case PHASE_PROGRESS -> "phase_progress";
      case QUEUED -> "queued";
      case APPROVAL_REQUESTED -> "approval_requested";
      case APPROVAL_GIVEN -> "approval_given";
      case APPROVAL_REJECTED -> "approval_rejected";
      case APPROVAL_EXPIRED -> "approval_expired";
      case HELD -> "held";
      case FREEZE_OVERRIDDEN -> "freeze_overridden";
      case PAUSED -> "paused";
      case RESUMED -> "resumed";
      case FINISHED ->
          event
              .getFinished()
              .getStatus()
              .name()
              .substring("DEPLOYMENT_STATUS_".length())
              .toLowerCase(Locale.ROOT);
      case HEALTH_CHANGED -> WatchVerdicts.name(event.getHealthChanged().getVerdict());
      case KIND_NOT_SET -> "unknown";
    };
  }

  private static String payload(DeploymentEvent event, StepContext deployment, String type) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", (event.hasHealthChanged() ? "target." : "deployment.") + type);
    body.put("eventId", event.getEventId());
    body.put("deploymentId", deploymentOf(event));
    body.put("sequence", event.getSequence());
    body.put("time", instant(event.getTime()));
    body.put("app", event.getTarget().getApp());
    body.put("environment", event.getTarget().getEnvironment());
    body.put("version", versionOf(event, deployment));
    body.put("previousVersion", deployment.getPreviousVersion());
    body.put("requestedBy", deployment.getRequestedBy());
    if (!deployment.getRestoreSetId().isEmpty()) {
      body.put("restoreSetId", deployment.getRestoreSetId());
    }
    switch (event.getKindCase()) {
      case PHASE_STARTED -> {
        body.put("phase", PhaseNames.of(event.getPhaseStarted().getPhase()));
        if (!event.getPhaseStarted().getSlot().isEmpty()) {
          body.put("slot", event.getPhaseStarted().getSlot());
        }
        if (event.getPhaseStarted().getStep() > 0) {
          body.put("step", event.getPhaseStarted().getStep());
          body.put("weight", event.getPhaseStarted().getWeight());
        }
        if (event.getPhaseStarted().getInstancesCount() > 0) {
          body.put("instances", String.join(", ", event.getPhaseStarted().getInstancesList()));
        }
      }
      case PAUSED -> {
        body.put("step", event.getPaused().getStep());
        body.put("weight", event.getPaused().getWeight());
        body.put("reason", event.getPaused().getReason());
      }
      case RESUMED -> {
        body.put("by", event.getResumed().getBy());
        body.put("step", event.getResumed().getStep());
      }
      case REQUESTED -> {
        if (!event.getRequested().getSlot().isEmpty()) {
          body.put("slot", event.getRequested().getSlot());
        }
      }
      case PHASE_COMPLETED -> {
        body.put("phase", PhaseNames.of(event.getPhaseCompleted().getPhase()));
        body.put("succeeded", event.getPhaseCompleted().getSucceeded());
        body.put(
            "outcome",
            event.getPhaseCompleted().getOutcome().name().substring("PHASE_OUTCOME_".length()));
        body.put("summary", event.getPhaseCompleted().getSummary());
        if (event.getPhaseCompleted().getStep() > 0) {
          body.put("step", event.getPhaseCompleted().getStep());
        }
      }
      case APPROVAL_REQUESTED -> {
        body.put("approvalsRequired", event.getApprovalRequested().getRequired());
        body.put("expiresAt", instant(event.getApprovalRequested().getExpiresAt()));
      }
      case APPROVAL_GIVEN -> {
        body.put("by", event.getApprovalGiven().getBy());
        body.put("comment", event.getApprovalGiven().getComment());
        body.put("approvals", event.getApprovalGiven().getApprovals());
        body.put("approvalsRequired", event.getApprovalGiven().getRequired());
      }
      case APPROVAL_REJECTED -> {
        body.put("by", event.getApprovalRejected().getBy());
        body.put("reason", event.getApprovalRejected().getReason());
      }
      case HELD -> {
        body.put("window", event.getHeld().getWindow());
        body.put("reason", event.getHeld().getReason());
        body.put("until", instant(event.getHeld().getUntil()));
      }
      case FREEZE_OVERRIDDEN -> {
        body.put("window", event.getFreezeOverridden().getWindow());
        body.put("reason", event.getFreezeOverridden().getReason());
      }
      case HEALTH_CHANGED -> {
        body.put("verdict", type);
        body.put("previous", WatchVerdicts.name(event.getHealthChanged().getPrevious()));
        body.put("previousSince", instant(event.getHealthChanged().getPreviousSince()));
        body.put("summary", event.getHealthChanged().getSummary());
      }
      case FINISHED -> {
        body.put(
            "status",
            event.getFinished().getStatus().name().substring("DEPLOYMENT_STATUS_".length()));
        body.put("reason", event.getFinished().getReason());
      }
      default -> {}
    }
    body.put("text", text(event, deployment, type));
    try {
      return JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(DeploymentEvent event, StepContext deployment, String type) {
    String what =
        event.getTarget().getApp()
            + "/"
            + event.getTarget().getEnvironment()
            + " "
            + versionOf(event, deployment)
            + (deployment.getRestoreSetId().isEmpty()
                ? ""
                : " restore of backup set " + deployment.getRestoreSetId());
    return switch (event.getKindCase()) {
      case FINISHED ->
          what
              + ": "
              + type.replace('_', ' ')
              + (event.getFinished().getReason().isEmpty()
                  ? ""
                  : " — " + event.getFinished().getReason());
      case APPROVAL_REQUESTED ->
          what
              + ": approval requested ("
              + event.getApprovalRequested().getRequired()
              + " needed by "
              + instant(event.getApprovalRequested().getExpiresAt())
              + "; requested by "
              + deployment.getRequestedBy()
              + ") — slipway approve "
              + event.getDeploymentId();
      case PAUSED ->
          what
              + ": canary paused at step "
              + event.getPaused().getStep()
              + " ("
              + event.getPaused().getWeight()
              + "%) — "
              + event.getPaused().getReason()
              + " — slipway promote "
              + event.getDeploymentId()
              + " or slipway abort "
              + event.getDeploymentId();
      case HEALTH_CHANGED ->
          what
              + ": "
              + type
              + " (was "
              + WatchVerdicts.name(event.getHealthChanged().getPrevious())
              + " since "
              + instant(event.getHealthChanged().getPreviousSince())
              + ") — "
              + event.getHealthChanged().getSummary();
      default -> what + ": " + type.replace('_', ' ');
    };
  }

  private static String instant(com.google.protobuf.Timestamp time) {
    return ProtoTime.instant(time).toString();
  }
}
