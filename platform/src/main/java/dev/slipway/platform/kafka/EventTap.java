package dev.slipway.platform.kafka;

import dev.slipway.proto.v1.DeploymentEvent;

/**
 * Something a service keeps in step with the events its consumer takes, told of each one after its
 * handler's transaction committed. Best effort and quick: it must not block the consumer.
 */
@FunctionalInterface
public interface EventTap {
  void seen(DeploymentEvent event);
}
