package dev.slipway.platform.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.concurrent.TimeUnit;

/**
 * A container's health check: {@code java -cp '/app/lib/*' dev.slipway.platform.grpc.HealthProbe
 * 127.0.0.1:9090} exits 0 when the service there answers SERVING on {@code grpc.health.v1}, 1
 * otherwise, so an image needs no probe binary of its own. Plaintext: it asks over the loopback.
 */
public final class HealthProbe {
  private HealthProbe() {}

  public static void main(String[] args) {
    System.exit(probe(args.length == 0 ? "127.0.0.1:9090" : args[0]));
  }

  /** 0 when the service at {@code address} serves, else 1 (and why, on stderr). */
  static int probe(String address) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    try {
      HealthCheckResponse.ServingStatus status =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(3, TimeUnit.SECONDS)
              .check(HealthCheckRequest.getDefaultInstance())
              .getStatus();
      if (status == HealthCheckResponse.ServingStatus.SERVING) {
        return 0;
      }
      System.err.println(address + " is " + status);
      return 1;
    } catch (StatusRuntimeException e) {
      System.err.println(address + " does not answer: " + e.getStatus());
      return 1;
    } finally {
      channel.shutdownNow();
    }
  }
}
