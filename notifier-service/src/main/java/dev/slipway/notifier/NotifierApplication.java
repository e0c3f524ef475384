package dev.slipway.notifier;

import dev.slipway.platform.grpc.ServerTls;
import io.micronaut.runtime.Micronaut;

/** The notifier-service: signed webhook deliveries with retries, dedupe and delivery records. */
public final class NotifierApplication {
  private NotifierApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(NotifierApplication.class)
        .properties(ServerTls.properties())
        .start();
  }
}
