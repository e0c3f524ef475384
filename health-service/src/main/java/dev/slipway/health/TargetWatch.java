package dev.slipway.health;

import dev.slipway.health.domain.Check;
import dev.slipway.health.domain.Observation;
import dev.slipway.health.domain.VerdictPolicy;
import dev.slipway.health.probes.Probe;
import dev.slipway.platform.events.TargetKey;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.spec.CheckPlaceholders;
import dev.slipway.platform.spec.Durations;
import dev.slipway.platform.spec.HealthSettings;
import dev.slipway.proto.internal.v1.ReportWatchVerdictRequest;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.internal.v1.Watch;
import dev.slipway.proto.v1.HealthCheck;
import dev.slipway.proto.v1.HealthVerdict;
import dev.slipway.proto.v1.TargetSpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;

/**
 * One target's standing watch: the checks of the spec pinned by the deployment that put the version
 * in place, and the verdict policy of its health settings (without a start period: the version has
 * been running). A round whose verdict differs from the one the orchestrator holds yields the
 * report to send.
 */
final class TargetWatch {
  static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(15);
  private final Watch watch;
  private final List<Check> checks;
  private final HealthSettings settings;
  private final Duration interval;
  private final VerdictPolicy policy;
  private volatile HealthVerdict held;
  volatile boolean paused;
  volatile boolean stopped;
  volatile ScheduledFuture<?> next;

  private TargetWatch(Watch watch, List<Check> checks, HealthSettings settings, Duration interval) {
    this.watch = watch;
    this.checks = checks;
    this.settings = settings;
    this.interval = interval;
    this.held = watch.getVerdict();
    this.paused = watch.getPaused();
    this.policy =
        new VerdictPolicy(
            settings.successThreshold(),
            settings.failureThreshold(),
            settings.errorLimit(),
            Duration.ZERO);
  }

  /** The watch with its checks and their secrets read from the orchestrator. */
  static TargetWatch prepare(Watch watch, OrchestratorClient orchestrator)
      throws InterruptedException {
    String deployment = watch.getDeploymentId();
    StepContext context =
        orchestrator
            .stepContextNow(deployment)
            .orElseThrow(
                () ->
                    new IllegalStateException("the orchestrator did not answer for " + deployment));
    TargetSpec spec = context.getSpec();
    List<HealthCheck> specs =
        CheckPlaceholders.perInstance(
            spec.getWatch().getChecksCount() > 0
                ? spec.getWatch().getChecksList()
                : spec.getHealth().getChecksList(),
            spec.getStrategy().getRolling().getInstancesList());
    List<Check> checks = new ArrayList<>();
    for (HealthCheck check : specs) {
      checks.add(
          CheckSpecs.check(
              CheckPlaceholders.withSlot(check, watch.getSlot()),
              name -> new String(orchestrator.secret(deployment, name), StandardCharsets.UTF_8)));
    }
    return new TargetWatch(
        watch,
        List.copyOf(checks),
        HealthSettings.of(spec.getHealth()),
        Durations.parse(spec.getWatch().getInterval(), DEFAULT_INTERVAL));
  }

  Watch watch() {
    return watch;
  }

  String key() {
    return TargetKey.of(watch.getTarget());
  }

  Duration interval() {
    return interval;
  }

  /** The verdict this round leads to, and the report to send when it is not the one held. */
  record Round(List<Observation> observations, Optional<ReportWatchVerdictRequest> change) {}

  Round round(Probe probe) throws InterruptedException {
    List<Observation> observed = new ArrayList<>(checks.size());
    for (Check check : checks) {
      observed.add(probe.observe(check, settings.timeout()));
    }
    HealthVerdict verdict =
        switch (policy.afterRound(observed, Duration.ZERO)) {
          case HEALTHY -> HealthVerdict.HEALTH_VERDICT_HEALTHY;
          case UNHEALTHY -> HealthVerdict.HEALTH_VERDICT_UNHEALTHY;
          case ERRORED -> HealthVerdict.HEALTH_VERDICT_UNCHECKED;
          case PENDING -> held;
        };
    if (verdict == held) {
      return new Round(observed, Optional.empty());
    }
    return new Round(
        observed,
        Optional.of(
            ReportWatchVerdictRequest.newBuilder()
                .setTarget(watch.getTarget())
                .setDeploymentId(watch.getDeploymentId())
                .setEntryId(watch.getEntryId())
                .setVerdict(verdict)
                .setSummary(summary(verdict, observed))
                .build()));
  }

  /** The orchestrator took the verdict. */
  void held(HealthVerdict verdict) {
    held = verdict;
  }

  private String summary(HealthVerdict verdict, List<Observation> round) {
    return switch (verdict) {
      case HEALTH_VERDICT_HEALTHY ->
          checks.size()
              + " check(s) passed "
              + policy.consecutiveSuccesses()
              + " round(s) in a row";
      case HEALTH_VERDICT_UNHEALTHY -> HealthWorker.failures(round, policy.consecutiveFailures());
      default -> HealthWorker.failures(round, policy.consecutiveErrors());
    };
  }
}
