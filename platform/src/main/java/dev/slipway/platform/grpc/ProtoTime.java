package dev.slipway.platform.grpc;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Instants as protobuf Timestamps, to the nanosecond. */
public final class ProtoTime {
  private ProtoTime() {}

  public static Timestamp of(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }

  public static Instant instant(Timestamp at) {
    return Instant.ofEpochSecond(at.getSeconds(), at.getNanos());
  }
}
