package dev.slipway.orchestrator.gates;

import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;
import java.util.UUID;

/** A row of {@code approvals}: one identity's approval of one deployment. */
@MappedEntity("approvals")
public record ApprovalRow(@EmbeddedId Key key, String comment, Instant approvedAt) {

  /** The primary key: an identity counts once per deployment. */
  @Embeddable
  public record Key(
      @MappedProperty("deployment_id") UUID deploymentId,
      @MappedProperty("approver") String approver) {}
}
