package dev.slipway.orchestrator.domain;

import java.time.Instant;

/**
 * A freeze window in force on a deployment's environment now, as the caller evaluated it.
 *
 * @param window the window's name
 * @param reason why it exists
 * @param until when it ends (the end of back-to-back windows, when several follow each other)
 */
public record Freeze(String window, String reason, Instant until) {}
