package dev.slipway.orchestrator.channels;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code channels}: an applied channel's spec as JSON, and who applied it when. */
@MappedEntity("channels")
public record ChannelRow(
    @Id String name, String specJson, long revision, String appliedBy, Instant appliedAt) {}
