package dev.slipway.platform.events;

import dev.slipway.proto.v1.HealthVerdict;
import java.util.Locale;

/** The name of a standing watch's verdict in notify rules and reports: healthy, unhealthy, ... */
public final class WatchVerdicts {
  private WatchVerdicts() {}

  public static String name(HealthVerdict verdict) {
    return verdict.name().substring("HEALTH_VERDICT_".length()).toLowerCase(Locale.ROOT);
  }
}
