package dev.slipway.platform.worker;

import dev.slipway.proto.v1.Phase;
import java.time.Instant;
import java.util.UUID;

/** One attempt of one phase that this service must run and report. */
public record PhaseJob(UUID deploymentId, Phase phase, int attempt, Instant deadline) {}
