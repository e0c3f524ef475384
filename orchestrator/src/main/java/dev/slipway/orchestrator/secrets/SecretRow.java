package dev.slipway.orchestrator.secrets;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import java.time.Instant;

/** A row of {@code secrets}: the value only as ciphertext under the master key. */
@MappedEntity("secrets")
public record SecretRow(
    @Id String name, byte[] ciphertext, long version, Instant updatedAt, String updatedBy) {}
