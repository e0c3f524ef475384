package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.DeploymentEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Deployments started and finished, and how long each phase took, counted from the events of
 * committed transitions: a transition that rolls back counts nothing.
 */
@Singleton
public class DeploymentMetrics {
  private final MeterRegistry meters;
  private final PhaseRepository phases;

  public DeploymentMetrics(MeterRegistry meters, PhaseRepository phases) {
    this.meters = meters;
    this.phases = phases;
  }

  /**
   * Reads, inside the transaction and after its phases are recorded, what the counts need; returns
   * what to count once it has committed.
   */
  Runnable measure(Deployment next, List<DeploymentEvent> events, Instant now) {
    List<Runnable> counts = new ArrayList<>();
    String kind = lower(next.kind().name());
    for (DeploymentEvent event : events) {
      switch (event) {
        case DeploymentEvent.Requested requested ->
            counts.add(
                () -> meters.counter("slipway.deployments.started", "kind", kind).increment());
        case DeploymentEvent.Finished finished ->
            counts.add(
                () ->
                    meters
                        .counter(
                            "slipway.deployments.finished",
                            "kind",
                            kind,
                            "status",
                            finished.status().name())
                        .increment());
        case DeploymentEvent.PhaseCompleted completed ->
            phases
                .startedAt(next.id(), completed.phase(), completed.step(), completed.attempt())
                .map(started -> Duration.between(started, now))
                .ifPresent(
                    took ->
                        counts.add(
                            () ->
                                phaseTimer(completed.phase().name(), completed.outcome().name())
                                    .record(took)));
        default -> {}
      }
    }
    return () -> counts.forEach(Runnable::run);
  }

  private Timer phaseTimer(String phase, String outcome) {
    return Timer.builder("slipway.phase.duration")
        .description("How long each phase attempt took, by phase and outcome")
        .tag("phase", phase)
        .tag("outcome", outcome)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10))
        .maximumExpectedValue(Duration.ofHours(2))
        .register(meters);
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
