package dev.slipway.platform.events;

import dev.slipway.proto.v1.TargetRef;

/** The Kafka key of a target's events: all of a target's events land on one partition, in order. */
public final class TargetKey {
  private TargetKey() {}

  public static String of(TargetRef target) {
    return of(target.getApp(), target.getEnvironment());
  }

  public static String of(String app, String environment) {
    return app + "/" + environment;
  }
}
