package dev.slipway.orchestrator.quarantine;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code quarantined_versions}: a version rolled back on a target, maybe released since.
 */
@MappedEntity("quarantined_versions")
public record QuarantinedVersionRow(
    @EmbeddedId Key key,
    UUID deploymentId,
    String reason,
    Instant quarantinedAt,
    @Nullable Instant releasedAt,
    @Nullable String releasedBy,
    @Nullable String releaseReason) {

  /** The primary key: the target and the version. */
  @Embeddable
  public record Key(
      @MappedProperty("app") String app,
      @MappedProperty("environment") String environment,
      @MappedProperty("version") String version) {}

  public boolean released() {
    return releasedAt != null;
  }
}
