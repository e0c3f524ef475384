package dev.slipway.platform.events;

import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PhaseOutcome;

/** Phases as every service stores them: VERIFY, not PHASE_VERIFY. */
public final class PhaseNames {
  private static final String PREFIX = "PHASE_";

  private PhaseNames() {}

  public static String of(Phase phase) {
    return phase.name().substring(PREFIX.length());
  }

  /** SUCCEEDED, not PHASE_OUTCOME_SUCCEEDED. */
  public static String outcome(PhaseOutcome outcome) {
    return outcome.name().substring("PHASE_OUTCOME_".length());
  }

  public static Phase parse(String name) {
    return Phase.valueOf(PREFIX + name);
  }
}
