package dev.slipway.orchestrator.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The state of one deployment, as the state machine sees it.
 *
 * @param attempt attempt of the current phase (0 before the first phase); while HELD, of the last
 *     phase that ran
 * @param deadline when the current phase fails, an approval expires, or a hold is looked at again;
 *     null otherwise
 * @param reason why it failed, is rolling back or is held; empty otherwise
 * @param lastSequence sequence number of the last event emitted
 * @param backupTaken the pre-deploy backup succeeded, so a rollback can restore it
 * @param approvedBy who approved it, in order
 * @param freezeOverrideReason why it may run inside freeze windows; empty when it may not
 * @param switched blue-green: its SWITCH ran (or failed part way), so traffic may be on the new
 *     slot and a rollback switches back
 * @param step canary: the step it is at, 1-based (0 before the first); a rollback keeps the step it
 *     failed at, so its REVERT first sets the weight back to 0. Rolling: the wave, likewise kept by
 *     a rollback, which reverts the waves up to it
 */
public record Deployment(
    UUID id,
    String app,
    String environment,
    Kind kind,
    String version,
    String previousVersion,
    String requestedBy,
    long targetRevision,
    Plan plan,
    Status status,
    int attempt,
    Instant deadline,
    String reason,
    long lastSequence,
    boolean backupTaken,
    List<String> approvedBy,
    String freezeOverrideReason,
    boolean switched,
    int step) {

  public Deployment {
    approvedBy = List.copyOf(approvedBy);
  }

  /** A new deployment, before the machine starts it. */
  public static Deployment requested(
      UUID id,
      String app,
      String environment,
      Kind kind,
      String version,
      String previousVersion,
      String requestedBy,
      long targetRevision,
      Plan plan,
      String freezeOverrideReason) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        Status.REQUESTED,
        0,
        null,
        "",
        0,
        false,
        List.of(),
        freezeOverrideReason,
        false,
        0);
  }

  /** Gates (approvals, freezes) apply to releases of new versions, not to manual rollbacks. */
  public boolean gated() {
    return kind == Kind.DEPLOY;
  }

  /**
   * A queued deployment about to start: it follows the version running now, which may have changed
   * while it waited, and the plan that version gives.
   */
  public Deployment following(String runningNow, Plan newPlan) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        runningNow,
        requestedBy,
        targetRevision,
        newPlan,
        status,
        attempt,
        deadline,
        reason,
        lastSequence,
        backupTaken,
        approvedBy,
        freezeOverrideReason,
        switched,
        step);
  }

  /** The same deployment with the approvals recorded so far. */
  public Deployment withApprovals(List<String> approvers) {
    return with(status, attempt, deadline, reason, backupTaken, approvers, switched);
  }

  Deployment inPhase(Phase phase, int newAttempt, Instant newDeadline) {
    return with(
        Status.running(phase), newAttempt, newDeadline, reason, backupTaken, approvedBy, switched);
  }

  /** Waiting without a phase: queued, for approval, or held; the deadline is when to look again. */
  Deployment waiting(Status waiting, Instant until, String why) {
    return with(waiting, attempt, until, why, backupTaken, approvedBy, switched);
  }

  Deployment finished(Status terminal, String why) {
    return with(terminal, attempt, null, why, backupTaken, approvedBy, switched);
  }

  Deployment withReason(String why) {
    return with(status, attempt, deadline, why, backupTaken, approvedBy, switched);
  }

  Deployment withBackupTaken(boolean taken) {
    return with(status, attempt, deadline, reason, taken, approvedBy, switched);
  }

  Deployment approvedAlsoBy(String approver) {
    List<String> approvers = new ArrayList<>(approvedBy);
    approvers.add(approver);
    return with(status, attempt, deadline, reason, backupTaken, approvers, switched);
  }

  Deployment withSwitched() {
    return with(status, attempt, deadline, reason, backupTaken, approvedBy, true);
  }

  /** Canary: the same deployment at step {@code number}; rolling: at wave {@code number}. */
  Deployment atStep(int number) {
    return with(status, attempt, deadline, reason, backupTaken, approvedBy, switched, number);
  }

  /**
   * The step a phase of this deployment belongs to: the current one for a canary's WEIGHT and
   * ANALYSIS, and for the phases of a rolling release that work wave by wave.
   */
  public int stepOf(Phase phase) {
    return phase.perStep() || plan.rolling().byWave(phase) ? step : 0;
  }

  /** Rolling: the instances of the wave it is at; empty before the first and for other targets. */
  public List<String> wave() {
    return step == 0 || !plan.rolling().enabled() ? List.of() : plan.rolling().wave(step);
  }

  /**
   * Rolling: the instances a phase at {@code atStep} works on: a wave's for DEPLOY and VERIFY,
   * those released up to it (last first) for REVERT and VERIFY_ROLLBACK, all of them for the checks
   * before and after; empty for the data phases and for other targets.
   */
  public List<String> instancesFor(Phase phase, int atStep) {
    Rolling rolling = plan.rolling();
    if (!rolling.enabled()) {
      return List.of();
    }
    return switch (phase) {
      case DEPLOY, VERIFY -> rolling.wave(atStep);
      case REVERT, VERIFY_ROLLBACK -> rolling.releasedUpTo(atStep);
      case PREFLIGHT, BAKE -> rolling.instances();
      case BACKUP, SNAPSHOT, RESTORE, SWITCH, VERIFY_LIVE, WEIGHT, ANALYSIS -> List.of();
    };
  }

  /** Canary: the percent of traffic its current step puts on the new version; 0 before any. */
  public int weight() {
    return weightAt(step);
  }

  /** Canary: the percent of traffic step {@code number} puts on the new version; 0 for none. */
  public int weightAt(int number) {
    return number == 0 || !plan.canary().enabled() ? 0 : plan.canary().step(number).weight();
  }

  /** How long a phase may run: an ANALYSIS gets its step's pause on top of its margin. */
  public Duration timeoutOf(Phase phase) {
    Duration timeout = plan.timeout(phase);
    return phase == Phase.ANALYSIS ? timeout.plus(plan.canary().step(step).pause()) : timeout;
  }

  /** Blue-green: the slot a release deploys to; empty for a direct target and for a restore. */
  public String releaseSlot() {
    return kind == Kind.RESTORE ? "" : plan.slot();
  }

  /**
   * Blue-green: the slot a phase works on: the new one from DEPLOY to BAKE, the one serving before
   * for PREFLIGHT and the way back; empty for a direct target and for the data phases.
   */
  public String slotFor(Phase phase) {
    if (!plan.blueGreen()) {
      return "";
    }
    if (kind == Kind.RESTORE) {
      // A restore changes data under the version serving: it checks the slot that serves.
      return phase == Phase.VERIFY ? plan.liveSlot() : "";
    }
    return switch (phase) {
      case DEPLOY, VERIFY, SWITCH, VERIFY_LIVE, BAKE -> plan.slot();
      case PREFLIGHT, REVERT, VERIFY_ROLLBACK -> plan.liveSlot();
      case BACKUP, SNAPSHOT, RESTORE, WEIGHT, ANALYSIS -> "";
    };
  }

  Deployment withLastSequence(long sequence) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        status,
        attempt,
        deadline,
        reason,
        sequence,
        backupTaken,
        approvedBy,
        freezeOverrideReason,
        switched,
        step);
  }

  private Deployment with(
      Status newStatus,
      int newAttempt,
      Instant newDeadline,
      String newReason,
      boolean taken,
      List<String> approvers,
      boolean switchedNow) {
    return with(newStatus, newAttempt, newDeadline, newReason, taken, approvers, switchedNow, step);
  }

  private Deployment with(
      Status newStatus,
      int newAttempt,
      Instant newDeadline,
      String newReason,
      boolean taken,
      List<String> approvers,
      boolean switchedNow,
      int newStep) {
    return new Deployment(
        id,
        app,
        environment,
        kind,
        version,
        previousVersion,
        requestedBy,
        targetRevision,
        plan,
        newStatus,
        newAttempt,
        newDeadline,
        newReason,
        lastSequence,
        taken,
        approvers,
        freezeOverrideReason,
        switchedNow,
        newStep);
  }
}
