package dev.slipway.health.probes;

import dev.slipway.health.domain.Check;
import dev.slipway.platform.grpc.Channels;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The standard gRPC health check: SERVING passes, anything else is what the server said. */
final class GrpcProbe {
  private GrpcProbe() {}

  /** Null when the service is SERVING, else what was seen. */
  static String check(Check.Grpc check, Duration timeout) throws CouldNotRun, InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(check.host(), check.port(), credentials(check)).build();
    try {
      HealthCheckResponse response =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
              .check(HealthCheckRequest.newBuilder().setService(check.service()).build());
      return response.getStatus() == HealthCheckResponse.ServingStatus.SERVING
          ? null
          : "service '" + check.service() + "' is " + response.getStatus();
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      return switch (code) {
        case NOT_FOUND -> "the server does not know the service '" + check.service() + "'";
        case UNIMPLEMENTED -> "the server does not serve grpc.health.v1";
        case DEADLINE_EXCEEDED -> "no answer within " + timeout.toMillis() + " ms";
        default -> "cannot check: " + code + " " + e.getStatus().getDescription();
      };
    } finally {
      channel.shutdownNow();
      channel.awaitTermination(1, TimeUnit.SECONDS);
    }
  }

  private static ChannelCredentials credentials(Check.Grpc check) throws CouldNotRun {
    try {
      return Channels.credentials(check.tls(), check.caFile());
    } catch (UncheckedIOException e) {
      throw new CouldNotRun(e.getMessage());
    }
  }
}
