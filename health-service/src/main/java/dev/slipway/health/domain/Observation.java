package dev.slipway.health.domain;

/** What one check saw once. */
public record Observation(String check, boolean passed, String detail, long latencyMillis) {}
