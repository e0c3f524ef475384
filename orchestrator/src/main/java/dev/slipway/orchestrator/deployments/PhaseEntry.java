package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Phase;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code phases}: one attempt of one phase, RUNNING until its outcome is recorded.
 *
 * @param outcome RUNNING, or how the attempt ended (an {@code Outcome})
 */
@MappedEntity("phases")
public record PhaseEntry(
    @EmbeddedId Key key,
    String outcome,
    String summary,
    Instant startedAt,
    @Nullable Instant finishedAt) {

  /** The primary key: deployment, phase, canary step (0 outside the steps), attempt. */
  @Embeddable
  public record Key(
      @MappedProperty("deployment_id") UUID deploymentId,
      @MappedProperty("phase") Phase phase,
      @MappedProperty("step") int step,
      @MappedProperty("attempt") int attempt) {}
}
