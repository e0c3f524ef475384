package dev.slipway.orchestrator.targets;

import dev.slipway.orchestrator.domain.Canary;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.domain.Plan;
import dev.slipway.orchestrator.domain.Rolling;
import dev.slipway.platform.spec.Durations;
import dev.slipway.platform.spec.HealthSettings;
import dev.slipway.proto.v1.CanarySpec;
import dev.slipway.proto.v1.RollingSpec;
import dev.slipway.proto.v1.TargetSpec;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** Derives what a deployment will do, and how long each phase may take, from its target spec. */
public final class PlanFactory {
  static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration GRACE = Duration.ofSeconds(30);
  private static final Duration BACKUP_TIMEOUT = Duration.ofMinutes(30);
  static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofHours(24);

  private PlanFactory() {}

  /**
   * The plan of a deployment of the spec; {@code live} is the slot serving on a blue-green target
   * (empty when none is known), and the release deploys to the other one.
   */
  public static Plan plan(TargetSpec spec, String previousVersion, String live) {
    Map<Phase, Duration> timeouts = new EnumMap<>(Phase.class);
    Duration deploy = commandTimeout(spec.getDeploy().getTimeout());
    Rolling rolling = rolling(spec);
    // A rolling DEPLOY runs the command once per instance of its wave, its REVERT once per instance
    // released.
    timeouts.put(Phase.DEPLOY, deploy.multipliedBy(rolling.maxUnavailable()).plus(GRACE));
    Duration switchTo =
        commandTimeout(spec.getStrategy().getBlueGreen().getSwitch().getTimeout()).plus(GRACE);
    Duration setWeight = commandTimeout(spec.getStrategy().getCanary().getSetWeight().getTimeout());
    Duration revert =
        (spec.hasRollback() ? commandTimeout(spec.getRollback().getTimeout()) : deploy)
            .multipliedBy(Math.max(1, rolling.instances().size()));
    timeouts.put(
        Phase.REVERT,
        // A blue-green revert is the switch back; a canary's first sets the weight back to 0.
        blueGreen(spec)
            ? switchTo
            : canary(spec).enabled() ? setWeight.plus(revert).plus(GRACE) : revert.plus(GRACE));
    timeouts.put(Phase.WEIGHT, setWeight.plus(GRACE));
    HealthSettings health = HealthSettings.of(spec.getHealth());
    timeouts.put(Phase.PREFLIGHT, health.longestVerdict(false));
    timeouts.put(Phase.VERIFY, health.longestVerdict(true));
    timeouts.put(Phase.BAKE, health.longestBake());
    // Each step's pause comes on top (Deployment.timeoutOf).
    timeouts.put(Phase.ANALYSIS, health.longestSpan(Duration.ZERO));
    timeouts.put(Phase.VERIFY_ROLLBACK, health.longestVerdict(true));
    timeouts.put(Phase.SWITCH, switchTo);
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
        // Blue-green reverts by switching back, which needs a slot known to hold the version.
        blueGreen(spec)
            ? !previousVersion.isEmpty() && !live.isEmpty()
            : !previousVersion.isEmpty() || spec.hasRollback(),
        spec.getApproval().getRequired(),
        Durations.parse(spec.getApproval().getTimeout(), DEFAULT_APPROVAL_TIMEOUT),
        timeouts,
        blueGreen(spec) ? Plan.other(live) : "",
        blueGreen(spec) ? live : "",
        canary(spec),
        rolling);
  }

  /** The instances of the spec, released wave by wave; {@link Rolling#NONE} when not rolling. */
  public static Rolling rolling(TargetSpec spec) {
    if (!spec.getStrategy().hasRolling()) {
      return Rolling.NONE;
    }
    RollingSpec rolling = spec.getStrategy().getRolling();
    return new Rolling(rolling.getInstancesList(), Math.max(1, rolling.getMaxUnavailable()));
  }

  /** The canary steps of the spec; {@link Canary#NONE} without a canary strategy. */
  public static Canary canary(TargetSpec spec) {
    if (!spec.getStrategy().hasCanary()) {
      return Canary.NONE;
    }
    CanarySpec canary = spec.getStrategy().getCanary();
    return new Canary(
        canary.getStepsList().stream()
            .map(s -> new Canary.Step(s.getWeight(), Durations.parse(s.getPause(), Duration.ZERO)))
            .toList(),
        canary.getNoData().isEmpty()
            ? Canary.NoData.PAUSE
            : Canary.NoData.valueOf(canary.getNoData().toUpperCase(Locale.ROOT)));
  }

  public static boolean blueGreen(TargetSpec spec) {
    return spec.getStrategy().hasBlueGreen();
  }

  public static Duration commandTimeout(String text) {
    return Durations.parse(text, DEFAULT_COMMAND_TIMEOUT);
  }
}
