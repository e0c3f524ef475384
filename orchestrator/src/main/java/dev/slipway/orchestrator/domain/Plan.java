package dev.slipway.orchestrator.domain;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What a deployment will do, fixed when it is created from the target spec: which gates and
 * optional phases apply and how long each may take.
 *
 * @param preflight the target has pre-flight checks
 * @param backup the target has backup items
 * @param restoreOnRollback a rollback restores the backup (after a snapshot)
 * @param healthChecks the target has health checks, so VERIFY and VERIFY_ROLLBACK run
 * @param bake the target bakes a verified release (BAKE runs after VERIFY)
 * @param revertible there is a version (or a rollback command) to revert to
 * @param approvals approvals a release needs before anything runs (0: none)
 * @param approvalTimeout how long a release waits for them before it fails
 * @param timeouts how long each phase may run before it fails
 * @param slot blue-green: the slot the release deploys to ({@link #BLUE} or {@link #GREEN}); empty
 *     for a direct target
 * @param live blue-green: the slot serving when the release was planned; empty when none is known
 *     (a first release, a target that was direct), and then there is no slot to switch back to
 * @param canary the canary steps, {@link Canary#NONE} for a release that moves traffic at once
 * @param rolling the instances released wave by wave, {@link Rolling#NONE} for a target deployed as
 *     one
 */
public record Plan(
    boolean preflight,
    boolean backup,
    boolean restoreOnRollback,
    boolean healthChecks,
    boolean bake,
    boolean revertible,
    int approvals,
    Duration approvalTimeout,
    Map<Phase, Duration> timeouts,
    String slot,
    String live,
    Canary canary,
    Rolling rolling) {
  public static final String BLUE = "blue";
  public static final String GREEN = "green";

  public Plan {
    timeouts = Map.copyOf(timeouts);
    for (Phase phase : Phase.values()) {
      if (!timeouts.containsKey(phase)) {
        throw new IllegalArgumentException("plan has no timeout for " + phase);
      }
    }
    if (bake && !healthChecks) {
      throw new IllegalArgumentException("a bake needs health checks");
    }
    if (!slot.isEmpty() && !slot.equals(BLUE) && !slot.equals(GREEN)) {
      throw new IllegalArgumentException("no slot " + slot);
    }
    if (!live.isEmpty() && (slot.isEmpty() || live.equals(slot) || !other(slot).equals(live))) {
      throw new IllegalArgumentException(
          "slot " + live + " cannot serve while " + slot + " is idle");
    }
    if (Stream.of(canary.enabled(), !slot.isEmpty(), rolling.enabled()).filter(on -> on).count()
        > 1) {
      throw new IllegalArgumentException("a release is blue-green, a canary or rolling: one");
    }
  }

  /** A plan whose other slot serves (blue-green), or a direct one ({@code slot} empty). */
  public Plan(
      boolean preflight,
      boolean backup,
      boolean restoreOnRollback,
      boolean healthChecks,
      boolean bake,
      boolean revertible,
      int approvals,
      Duration approvalTimeout,
      Map<Phase, Duration> timeouts,
      String slot) {
    this(
        preflight,
        backup,
        restoreOnRollback,
        healthChecks,
        bake,
        revertible,
        approvals,
        approvalTimeout,
        timeouts,
        slot,
        slot.isEmpty() ? "" : other(slot),
        Canary.NONE,
        Rolling.NONE);
  }

  /** This plan as a canary with {@code steps}. */
  public Plan withCanary(Canary steps) {
    return new Plan(
        preflight,
        backup,
        restoreOnRollback,
        healthChecks,
        bake,
        revertible,
        approvals,
        approvalTimeout,
        timeouts,
        slot,
        live,
        steps,
        rolling);
  }

  /** This plan as a rolling release of {@code waves}. */
  public Plan withRolling(Rolling waves) {
    return new Plan(
        preflight,
        backup,
        restoreOnRollback,
        healthChecks,
        bake,
        revertible,
        approvals,
        approvalTimeout,
        timeouts,
        slot,
        live,
        canary,
        waves);
  }

  /** Whether the release deploys to an idle slot and switches traffic to it. */
  public boolean blueGreen() {
    return !slot.isEmpty();
  }

  /**
   * Blue-green: the slot serving before the release, and the one a rollback switches back to; empty
   * when none is known.
   */
  public String liveSlot() {
    return live;
  }

  /** The slot that is not {@code slot} (blue when {@code slot} is empty). */
  public static String other(String slot) {
    return slot.equals(BLUE) ? GREEN : BLUE;
  }

  /** A plan without gates or bake. */
  public Plan(
      boolean preflight,
      boolean backup,
      boolean restoreOnRollback,
      boolean healthChecks,
      boolean revertible,
      Map<Phase, Duration> timeouts) {
    this(
        preflight,
        backup,
        restoreOnRollback,
        healthChecks,
        false,
        revertible,
        0,
        Duration.ZERO,
        timeouts,
        "");
  }

  public Duration timeout(Phase phase) {
    return timeouts.get(phase);
  }

  /** Every phase allowed the same time; for tests and simple targets. */
  public static Map<Phase, Duration> uniformTimeouts(Duration timeout) {
    Map<Phase, Duration> map = new EnumMap<>(Phase.class);
    for (Phase phase : Phase.values()) {
      map.put(phase, timeout);
    }
    return map;
  }
}
