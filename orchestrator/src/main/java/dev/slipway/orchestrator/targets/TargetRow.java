package dev.slipway.orchestrator.targets;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Instant;
import java.util.UUID;

/**
 * A row of {@code targets}: the spec as canonical JSON, its revision, and the version running
 * there.
 */
@MappedEntity("targets")
public record TargetRow(
    @EmbeddedId Key key,
    String specJson,
    long revision,
    Instant updatedAt,
    @Nullable String currentVersion) {

  /** The primary key: application and environment. */
  @Embeddable
  public record Key(
      @MappedProperty("app") String app, @MappedProperty("environment") String environment) {}

  /**
   * A target as read for the API, with the newest deployment of it.
   *
   * @param lastDeploymentId null when the target was never deployed, and so are the other last
   *     fields
   */
  @Introspected
  public record View(
      String specJson,
      long revision,
      Instant updatedAt,
      @Nullable String currentVersion,
      @Nullable UUID lastDeploymentId,
      @Nullable String lastVersion,
      @Nullable String lastStatus,
      @Nullable String lastRequestedBy,
      @Nullable Instant lastCreatedAt,
      @Nullable String lastReason,
      @Nullable Instant currentSince,
      @Nullable String currentDeployedBy,
      @Nullable String currentHealth,
      @Nullable Instant currentHealthSince,
      @Nullable String currentHealthSummary,
      @Nullable Boolean currentWatched,
      @Nullable String currentSlot) {}
}
