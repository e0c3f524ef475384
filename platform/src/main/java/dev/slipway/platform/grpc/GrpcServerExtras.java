package dev.slipway.platform.grpc;

import io.grpc.BindableService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;

/** Server reflection for every service, behind {@code slipway.grpc.reflection=true}. */
@Factory
public class GrpcServerExtras {

  @Singleton
  @Requires(property = "slipway.grpc.reflection", value = "true", defaultValue = "false")
  BindableService reflection() {
    return ProtoReflectionServiceV1.newInstance();
  }
}
