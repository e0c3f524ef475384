package dev.slipway.orchestrator.targets;

import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.domain.Plan;
import dev.slipway.platform.spec.Durations;
import dev.slipway.platform.spec.HealthSettings;
import dev.slipway.proto.v1.TargetSpec;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/** Derives what a deployment will do, and how long each phase may take, from its target spec. */
public final class PlanFactory {
  static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final Duration BACKUP_TIMEOUT = Duration.ofMinutes(30);
  static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofHours(24);

  private PlanFactory() {}

  /**
   * The plan of a deployment of the spec; {@code slot} is the slot a blue-green release deploys to
   * (empty for a direct target).
   */
  public static Plan plan(TargetSpec spec, String previousVersion, String slot) {
    Map<Phase, Duration> timeouts = new EnumMap<>(Phase.class);
    Duration deploy = commandTimeout(spec.getDeploy().getTimeout());
    timeouts.put(Phase.DEPLOY, deploy.plus(GRACE));
    timeouts.put(
        Phase.REVERT,
        spec.hasRollback()
            ? commandTimeout(spec.getRollback().getTimeout()).plus(GRACE)
            : deploy.plus(GRACE));
    HealthSettings health = HealthSettings.of(spec.getHealth());
    timeouts.put(Phase.PREFLIGHT, health.longestVerdict(false));
    timeouts.put(Phase.VERIFY, health.longestVerdict(true));
    timeouts.put(Phase.BAKE, health.longestBake());
    timeouts.put(Phase.VERIFY_ROLLBACK, health.longestVerdict(true));
    timeouts.put(
        Phase.SWITCH,
        commandTimeout(spec.getStrategy().getBlueGreen().getSwitch().getTimeout()).plus(GRACE));
    timeouts.put(Phase.VERIFY_LIVE, health.longestVerdict(false));
    timeouts.put(Phase.BACKUP, BACKUP_TIMEOUT);
    timeouts.put(Phase.SNAPSHOT, BACKUP_TIMEOUT);
    timeouts.put(Phase.RESTORE, BACKUP_TIMEOUT);
    boolean backup = spec.getBackup().getItemsCount() > 0;
    boolean checks = spec.getHealth().getChecksCount() > 0;
    return new Plan(
        spec.getPreflight().getChecksCount() > 0,
        backup,
        backup && spec.getBackup().getRestoreOnRollback(),
        checks,
        checks && health.bake().compareTo(Duration.ZERO) > 0,
        // Blue-green reverts by switching back, which needs a version in the other slot.
        !previousVersion.isEmpty() || (spec.hasRollback() && !blueGreen(spec)),
        spec.getApproval().getRequired(),
        Durations.parse(spec.getApproval().getTimeout(), DEFAULT_APPROVAL_TIMEOUT),
        timeouts,
        blueGreen(spec) ? slot : "");
  }

  public static boolean blueGreen(TargetSpec spec) {
    return spec.getStrategy().hasBlueGreen();
  }

  /** The slot a blue-green release deploys to: the one not serving ({@code live}, maybe empty). */
  public static String idleSlot(String live) {
    return Plan.BLUE.equals(live) ? Plan.GREEN : Plan.BLUE;
  }

  public static Duration commandTimeout(String text) {
    return Durations.parse(text, DEFAULT_COMMAND_TIMEOUT);
  }
}
