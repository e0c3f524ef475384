package dev.slipway.health;

import dev.slipway.health.domain.Check;
import dev.slipway.health.domain.CheckOutcome;
import dev.slipway.health.domain.Observation;
import dev.slipway.health.domain.VerdictPolicy;
import dev.slipway.health.probes.CheckResultRow;
import dev.slipway.health.probes.CheckResults;
import dev.slipway.health.probes.Probe;
import dev.slipway.platform.events.PhaseNames;
import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.platform.spec.CheckPlaceholders;
import dev.slipway.platform.spec.Durations;
import dev.slipway.platform.spec.HealthSettings;
import dev.slipway.platform.worker.PhaseJob;
import dev.slipway.platform.worker.PhaseWorker;
import dev.slipway.proto.internal.v1.Evidence;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.v1.HealthCheck;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs PREFLIGHT, VERIFY, VERIFY_LIVE and VERIFY_ROLLBACK (rounds of checks until the policy
 * reaches a verdict, with ${slot} put in for a blue-green target and a check naming ${instance} run
 * once per instance the phase works on), BAKE and a canary step's ANALYSIS (rounds for the bake
 * time or the step's pause, unless the checks fail or cannot run often enough first).
 */
@Singleton
public class HealthWorker implements PhaseWorker {
  private static final Duration REPORT_MARGIN = Duration.ofSeconds(5);
  private final Probe probe;
  private final CheckResults results;
  private final Clock clock;
  private final OrchestratorClient orchestrator;
  private final MeterRegistry meters;

  public HealthWorker(
      Probe probe,
      CheckResults results,
      Clock clock,
      OrchestratorClient orchestrator,
      MeterRegistry meters) {
    this.meters = meters;
    this.orchestrator = orchestrator;
    this.probe = probe;
    this.results = results;
    this.clock = clock;
  }

  @Override
  public Set<Phase> phases() {
    return Set.of(
        Phase.PHASE_PREFLIGHT,
        Phase.PHASE_VERIFY,
        Phase.PHASE_VERIFY_LIVE,
        Phase.PHASE_VERIFY_ROLLBACK,
        Phase.PHASE_BAKE,
        Phase.PHASE_ANALYSIS);
  }

  @Override
  public Result run(PhaseJob job, StepContext deployment, StopSignal stop)
      throws InterruptedException {
    boolean preflight = job.phase() == Phase.PHASE_PREFLIGHT;
    List<HealthCheck> specs =
        CheckPlaceholders.perInstance(
            preflight
                ? deployment.getSpec().getPreflight().getChecksList()
                : deployment.getSpec().getHealth().getChecksList(),
            deployment.getInstancesList());
    List<Check> checks = new ArrayList<>();
    for (HealthCheck spec : specs) {
      try {
        checks.add(
            CheckSpecs.check(
                CheckPlaceholders.withSlot(spec, deployment.getSlot()), name -> secret(job, name)));
      } catch (StatusRuntimeException e) {
        return new Result(
            PhaseOutcome.PHASE_OUTCOME_ERRORED,
            "a secret of check '"
                + CheckSpecs.name(spec, spec.getType())
                + "' cannot be read: "
                + e.getStatus().getDescription(),
            List.of());
      }
    }
    HealthSettings settings = HealthSettings.of(deployment.getSpec().getHealth());
    if (job.phase() == Phase.PHASE_BAKE) {
      return overSpan(job, checks, settings, stop, settings.bake(), "the bake");
    }
    if (job.phase() == Phase.PHASE_ANALYSIS) {
      Duration pause =
          Durations.parse(
              deployment.getSpec().getStrategy().getCanary().getSteps(job.step() - 1).getPause(),
              Duration.ZERO);
      return overSpan(job, checks, settings, stop, pause, "step " + job.step() + "'s pause");
    }
    VerdictPolicy policy =
        preflight
            ? new VerdictPolicy(
                1, settings.failureThreshold(), settings.errorLimit(), Duration.ZERO)
            : new VerdictPolicy(
                settings.successThreshold(),
                settings.failureThreshold(),
                settings.errorLimit(),
                // A switched slot has been running since its VERIFY.
                job.phase() == Phase.PHASE_VERIFY_LIVE ? Duration.ZERO : settings.startPeriod());
    Instant started = clock.instant();
    Instant giveUp = job.deadline().minus(REPORT_MARGIN);
    List<Observation> round = List.of();
    int counted = 0;
    for (int number = 1; clock.instant().isBefore(giveUp) && !stop.stopped(); number++) {
      round = observe(checks, settings);
      Duration elapsed = Duration.between(started, clock.instant());
      boolean counts = policy.counts(round.stream().allMatch(Observation::passed), elapsed);
      counted += counts ? 1 : 0;
      record(job, number, round, counts);
      switch (policy.afterRound(round, elapsed)) {
        case HEALTHY -> {
          return Result.of(
              true,
              checks.size()
                  + " check(s) passed "
                  + policy.consecutiveSuccesses()
                  + " round(s) in a row",
              evidence(round));
        }
        case UNHEALTHY -> {
          return Result.of(false, failures(round, policy.consecutiveFailures()), evidence(round));
        }
        case ERRORED -> {
          return new Result(
              PhaseOutcome.PHASE_OUTCOME_ERRORED,
              failures(round, policy.consecutiveErrors()),
              evidence(round));
        }
        case PENDING -> Thread.sleep(settings.interval());
      }
    }
    String why = stop.reason().orElse("the phase deadline is near");
    if (counted == 0) {
      return new Result(
          PhaseOutcome.PHASE_OUTCOME_ERRORED,
          "no data: no round of checks counted (" + why + ")",
          evidence(round));
    }
    return Result.of(
        false, "no verdict (" + why + "); last round: " + failures(round, 0), evidence(round));
  }

  /**
   * Rounds on the check interval until the span (the bake, a canary step's pause) is over:
   * failureThreshold failing rounds in a row fail it, errorLimit rounds in a row that could not run
   * make it errored, and it passes once the time is up with neither, provided some round saw the
   * app (without one it has no data). An ANALYSIS in which every round had a check answering no
   * data (no traffic to judge) ends NO_DATA, for the target's noData policy. The span is measured
   * from the phase's start, which its deadline gives, so a job taken over by another replica
   * finishes on time.
   */
  private Result overSpan(
      PhaseJob job,
      List<Check> checks,
      HealthSettings settings,
      StopSignal stop,
      Duration span,
      String what)
      throws InterruptedException {
    VerdictPolicy policy =
        new VerdictPolicy(
            Integer.MAX_VALUE, settings.failureThreshold(), settings.errorLimit(), Duration.ZERO);
    Instant ends = job.deadline().minus(settings.longestSpan(Duration.ZERO));
    Instant started = ends.minus(span);
    List<Observation> round = List.of();
    int rounds = 0;
    int failing = 0;
    int seen = 0;
    int empty = 0;
    while (!stop.stopped()) {
      round = observe(checks, settings);
      rounds++;
      boolean failed = round.stream().anyMatch(o -> o.outcome() == CheckOutcome.FAILED);
      boolean errored = round.stream().anyMatch(o -> o.outcome() == CheckOutcome.ERRORED);
      failing += failed ? 1 : 0;
      seen += failed || !errored ? 1 : 0;
      empty += !failed && round.stream().anyMatch(o -> o.outcome() == CheckOutcome.NO_DATA) ? 1 : 0;
      Duration elapsed = Duration.between(started, clock.instant());
      record(job, rounds, round, true);
      switch (policy.afterRound(round, elapsed)) {
        case UNHEALTHY -> {
          return Result.of(
              false,
              "after "
                  + elapsed.toSeconds()
                  + "s of "
                  + what
                  + ": "
                  + failures(round, policy.consecutiveFailures()),
              evidence(round));
        }
        case ERRORED -> {
          return new Result(
              PhaseOutcome.PHASE_OUTCOME_ERRORED,
              failures(round, policy.consecutiveErrors()),
              evidence(round));
        }
        default -> {}
      }
      if (!clock.instant().plus(settings.interval()).isBefore(ends)) {
        if (seen == 0) {
          return new Result(
              PhaseOutcome.PHASE_OUTCOME_ERRORED,
              "no data: none of the "
                  + rounds
                  + " round(s) of "
                  + what
                  + " could run its checks; last: "
                  + failures(round, 0),
              evidence(round));
        }
        if (job.phase() == Phase.PHASE_ANALYSIS && empty == rounds) {
          return new Result(
              PhaseOutcome.PHASE_OUTCOME_NO_DATA,
              "every one of the "
                  + rounds
                  + " round(s) over "
                  + span.toSeconds()
                  + "s had a check with no data; last: "
                  + failures(round, 0),
              evidence(round));
        }
        return Result.of(
            true,
            rounds
                + " round(s) over "
                + what
                + " ("
                + span.toSeconds()
                + "s), "
                + failing
                + " of them with a failing check, never "
                + settings.failureThreshold()
                + " in a row",
            evidence(round));
      }
      Thread.sleep(settings.interval());
    }
    return new Result(
        PhaseOutcome.PHASE_OUTCOME_ERRORED,
        what
            + " stopped after "
            + rounds
            + " round(s): "
            + stop.reason().orElse("stopped")
            + (seen == 0 ? " (no data)" : ""),
        evidence(round));
  }

  private List<Observation> observe(List<Check> checks, HealthSettings settings)
      throws InterruptedException {
    List<Observation> round = new ArrayList<>();
    for (Check check : checks) {
      Observation seen = probe.observe(check, settings.timeout());
      checkTimer(check, seen.outcome()).record(Duration.ofMillis(seen.latencyMillis()));
      round.add(seen);
    }
    String outcome =
        round.stream().anyMatch(o -> o.outcome() == CheckOutcome.ERRORED)
            ? "errored"
            : round.stream().allMatch(Observation::passed) ? "passed" : "failed";
    meters.counter("slipway.check.rounds", "outcome", outcome).increment();
    return round;
  }

  /** {@code slipway_checks_seconds}: each check's latency, by type and outcome. */
  private Timer checkTimer(Check check, CheckOutcome outcome) {
    return Timer.builder("slipway.checks")
        .description("Health checks run, by type and outcome, with their latency")
        .tag("type", check.getClass().getSimpleName().toLowerCase(Locale.ROOT))
        .tag("outcome", outcome.name())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(1))
        .register(meters);
  }

  private String secret(PhaseJob job, String name) throws InterruptedException {
    return new String(
        orchestrator.secret(job.deploymentId().toString(), name), StandardCharsets.UTF_8);
  }

  private void record(PhaseJob job, int round, List<Observation> observations, boolean counted) {
    Instant now = clock.instant();
    results.saveAll(
        observations.stream()
            .map(
                o ->
                    new CheckResultRow(
                        null,
                        job.deploymentId(),
                        PhaseNames.of(job.phase()),
                        job.attempt(),
                        round,
                        o.check(),
                        o.passed(),
                        o.outcome(),
                        o.detail(),
                        (int) Math.min(Integer.MAX_VALUE, o.latencyMillis()),
                        counted,
                        now,
                        job.step()))
            .toList());
  }

  static String failures(List<Observation> round, int rounds) {
    return round.stream()
        .filter(o -> !o.passed())
        .map(
            o ->
                "check '"
                    + o.check()
                    + switch (o.outcome()) {
                      case ERRORED -> "' could not run";
                      case NO_DATA -> "' had no data";
                      default -> "' failed";
                    }
                    + (rounds > 1 ? " " + rounds + " rounds in a row" : "")
                    + ": "
                    + o.detail())
        .collect(Collectors.joining("; "));
  }

  private static List<Evidence> evidence(List<Observation> round) {
    return round.stream()
        .map(
            o ->
                Evidence.newBuilder()
                    .setName(o.check())
                    .setPassed(o.passed())
                    .setDetail(o.detail())
                    .build())
        .toList();
  }
}
