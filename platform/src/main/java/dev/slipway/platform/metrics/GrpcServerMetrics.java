package dev.slipway.platform.metrics;

import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.grpc.MetricCollectingServerInterceptor;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

/**
 * Every gRPC call a service answers, timed by method and status code ({@code
 * grpc_server_processing_duration_seconds}), refused calls included.
 */
@Factory
public class GrpcServerMetrics {
  @Singleton
  ServerInterceptor grpcServerMetrics(MeterRegistry meters) {
    return new MetricCollectingServerInterceptor(meters);
  }
}
