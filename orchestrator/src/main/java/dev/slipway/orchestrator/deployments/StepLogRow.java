package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Phase;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code step_logs}: one line of a local step's output. */
@MappedEntity("step_logs")
public record StepLogRow(@EmbeddedId Key key, String line, Instant loggedAt) {

  /** The primary key: the phase attempt and the line's number in its output. */
  @Embeddable
  public record Key(
      @MappedProperty("deployment_id") UUID deploymentId,
      @MappedProperty("phase") Phase phase,
      @MappedProperty("step") int step,
      @MappedProperty("attempt") int attempt,
      @MappedProperty("line_no") int lineNo) {}
}
