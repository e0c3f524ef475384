package dev.slipway.orchestrator.gates;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Embeddable;
import io.micronaut.data.annotation.EmbeddedId;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.MappedProperty;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

/** A row of {@code freeze_windows}. */
@MappedEntity("freeze_windows")
public record FreezeWindowRow(
    @EmbeddedId Key key,
    String reason,
    @Nullable String cron,
    @Nullable Long durationSeconds,
    @Nullable String zone,
    @Nullable Instant startsAt,
    @Nullable Instant endsAt,
    String updatedBy,
    Instant updatedAt) {

  /** The primary key: a name is unique within its environment. */
  @Embeddable
  public record Key(
      @MappedProperty("environment") String environment, @MappedProperty("name") String name) {}

  public FreezeWindow window() {
    return cron == null
        ? FreezeWindow.oneOff(key.environment(), key.name(), reason, startsAt, endsAt)
        : FreezeWindow.recurring(
            key.environment(),
            key.name(),
            reason,
            Cron.parse(cron),
            Duration.ofSeconds(durationSeconds),
            ZoneId.of(zone));
  }
}
