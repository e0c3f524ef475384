package dev.slipway.orchestrator.domain;

import static dev.slipway.orchestrator.domain.DeploymentMachine.enter;
import static dev.slipway.orchestrator.domain.DeploymentMachine.finish;
import static dev.slipway.orchestrator.domain.DeploymentMachine.firstPhase;
import static dev.slipway.orchestrator.domain.DeploymentMachine.transition;

import dev.slipway.orchestrator.domain.Decision.Ignored;
import dev.slipway.orchestrator.domain.Decision.Refused;
import dev.slipway.orchestrator.domain.DeploymentEvent.ApprovalExpired;
import dev.slipway.orchestrator.domain.DeploymentEvent.ApprovalGiven;
import dev.slipway.orchestrator.domain.DeploymentEvent.ApprovalRejected;
import dev.slipway.orchestrator.domain.DeploymentEvent.ApprovalRequested;
import dev.slipway.orchestrator.domain.DeploymentEvent.FreezeOverridden;
import dev.slipway.orchestrator.domain.DeploymentEvent.Held;
import dev.slipway.orchestrator.domain.Input.Approve;
import dev.slipway.orchestrator.domain.Input.Reject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The waits of the lifecycle: approvals before anything runs, freezes before it and DEPLOY. */
final class Gates {
  private Gates() {}

  /** A started (or dequeued) deployment: approvals first, then the freeze, then its first phase. */
  static Decision afterStart(
      Deployment deployment, Instant now, Optional<Freeze> freeze, List<DeploymentEvent> events) {
    int required = deployment.plan().approvals();
    if (!deployment.gated() || required == 0) {
      return beforePhase(deployment, firstPhase(deployment), 1, now, freeze, events);
    }
    Instant expires = now.plus(deployment.plan().approvalTimeout());
    List<DeploymentEvent> all = new ArrayList<>(events);
    all.add(new ApprovalRequested(required, expires));
    return transition(
        deployment.waiting(Status.AWAITING_APPROVAL, expires, waitingFor(deployment)),
        deployment,
        all,
        Optional.empty());
  }

  static Decision approve(
      Deployment deployment, Approve approve, Instant now, Optional<Freeze> freeze) {
    if (deployment.status() != Status.AWAITING_APPROVAL) {
      return new Refused("deployment is not waiting for approval; it is " + deployment.status());
    }
    if (!now.isBefore(deployment.deadline())) {
      return new Refused("approval expired at " + deployment.deadline() + "; nothing will run");
    }
    if (approve.by().equals(deployment.requestedBy())) {
      return new Refused(
          approve.by() + " requested this deployment and cannot approve it; another identity must");
    }
    if (deployment.approvedBy().contains(approve.by())) {
      return new Refused(
          approve.by()
              + " has already approved ("
              + counted(deployment)
              + "); each identity counts once");
    }
    Deployment approved = deployment.approvedAlsoBy(approve.by());
    int required = deployment.plan().approvals();
    List<DeploymentEvent> events =
        List.of(
            new ApprovalGiven(
                approve.by(), approve.comment(), approved.approvedBy().size(), required));
    if (approved.approvedBy().size() < required) {
      return transition(
          approved.waiting(Status.AWAITING_APPROVAL, deployment.deadline(), waitingFor(approved)),
          deployment,
          events,
          Optional.empty());
    }
    return beforePhase(approved, firstPhase(deployment), 1, now, freeze, events);
  }

  static Decision reject(Deployment deployment, Reject reject) {
    if (deployment.status() != Status.AWAITING_APPROVAL) {
      return new Refused("deployment is not waiting for approval; it is " + deployment.status());
    }
    return finish(
        deployment,
        Status.FAILED,
        "rejected by " + reject.by() + ": " + reject.reason(),
        List.of(new ApprovalRejected(reject.by(), reject.reason())));
  }

  /** The approval expires, or a held deployment goes on when its freeze has ended. */
  static Decision wake(Deployment deployment, Instant now, Optional<Freeze> freeze) {
    return switch (deployment.status()) {
      case AWAITING_APPROVAL -> {
        if (now.isBefore(deployment.deadline())) {
          yield new Ignored("approval open until " + deployment.deadline());
        }
        int required = deployment.plan().approvals();
        yield finish(
            deployment,
            Status.FAILED,
            "approval expired: "
                + counted(deployment)
                + " within "
                + text(deployment.plan().approvalTimeout()),
            List.of(new ApprovalExpired(deployment.approvedBy().size(), required)));
      }
      case HELD -> unhold(deployment, now, freeze);
      default -> new Ignored("nothing waits in " + deployment.status());
    };
  }

  /** DEPLOY starts only outside freezes. */
  static Decision beforeDeploy(
      Deployment deployment, Instant now, Optional<Freeze> freeze, List<DeploymentEvent> events) {
    return beforePhase(deployment, Phase.DEPLOY, 1, now, freeze, events);
  }

  private static Decision unhold(Deployment deployment, Instant now, Optional<Freeze> freeze) {
    if (freeze.isPresent()) {
      Freeze still = freeze.get();
      if (deployment.reason().equals(heldBy(still))) {
        return new Ignored("still held: " + deployment.reason());
      }
      return hold(deployment, still, List.of());
    }
    Deployment released = deployment.withReason("");
    if (deployment.attempt() == 0) {
      return enter(released, firstPhase(deployment), 1, now, List.of());
    }
    if (deployment.backupTaken()) {
      return enter(
          released.withBackupTaken(false), Phase.BACKUP, deployment.attempt() + 1, now, List.of());
    }
    return enter(released, Phase.DEPLOY, 1, now, List.of());
  }

  private static Decision beforePhase(
      Deployment deployment,
      Phase phase,
      int attempt,
      Instant now,
      Optional<Freeze> freeze,
      List<DeploymentEvent> events) {
    Deployment going = deployment.withReason("");
    if (freeze.isEmpty() || !deployment.gated()) {
      return enter(going, phase, attempt, now, events);
    }
    if (deployment.freezeOverrideReason().isEmpty()) {
      return hold(deployment, freeze.get(), events);
    }
    List<DeploymentEvent> all = new ArrayList<>(events);
    all.add(
        new FreezeOverridden(
            freeze.get().window(), deployment.freezeOverrideReason(), deployment.requestedBy()));
    return enter(going, phase, attempt, now, all);
  }

  private static Decision hold(Deployment deployment, Freeze freeze, List<DeploymentEvent> events) {
    List<DeploymentEvent> all = new ArrayList<>(events);
    all.add(new Held(freeze.window(), freeze.reason(), freeze.until()));
    return transition(
        deployment.waiting(Status.HELD, freeze.until(), heldBy(freeze)),
        deployment,
        all,
        Optional.empty());
  }

  private static String heldBy(Freeze freeze) {
    return "held by freeze window '"
        + freeze.window()
        + "' ("
        + freeze.reason()
        + ") until "
        + freeze.until();
  }

  private static String waitingFor(Deployment deployment) {
    return "waiting for approval ("
        + counted(deployment)
        + (deployment.approvedBy().isEmpty()
            ? ""
            : ": " + String.join(", ", deployment.approvedBy()))
        + ")";
  }

  /** 24h, 90m, 45s: a duration as a target spec writes it. */
  private static String text(java.time.Duration duration) {
    long seconds = duration.toSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }

  private static String counted(Deployment deployment) {
    return deployment.approvedBy().size() + " of " + deployment.plan().approvals();
  }
}
