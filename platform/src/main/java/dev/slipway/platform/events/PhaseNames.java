package dev.slipway.platform.events;

import dev.slipway.proto.v1.Phase;

/** Phases as every service stores them: VERIFY, not PHASE_VERIFY. */
public final class PhaseNames {
  private static final String PREFIX = "PHASE_";

  private PhaseNames() {}

  public static String of(Phase phase) {
    return phase.name().substring(PREFIX.length());
  }

  public static Phase parse(String name) {
    return Phase.valueOf(PREFIX + name);
  }
}
