package dev.slipway.platform.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import org.junit.jupiter.api.Test;

class HealthProbeTest {

  @Test
  void exitsZeroOnlyWhileTheServiceServes() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    Server server = ServerBuilder.forPort(0).addService(health.getHealthService()).build().start();
    String address = "127.0.0.1:" + server.getPort();
    try {
      health.setStatus("", ServingStatus.SERVING);
      assertThat(HealthProbe.probe(address)).isZero();
      health.setStatus("", ServingStatus.NOT_SERVING);
      assertThat(HealthProbe.probe(address)).isEqualTo(1);
    } finally {
      server.shutdownNow().awaitTermination();
    }
    assertThat(HealthProbe.probe(address)).as("nothing listens").isEqualTo(1);
  }
}
