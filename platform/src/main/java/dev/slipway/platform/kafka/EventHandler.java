package dev.slipway.platform.kafka;

import dev.slipway.proto.v1.DeploymentEvent;
import java.sql.Connection;
import java.sql.SQLException;

/** What a service does with one deployment event, inside the transaction that marks it processed. */
@FunctionalInterface
public interface EventHandler {
  /**
   * Records the effects of the event in {@code tx}; returns work to start once the transaction has
   * committed (or {@link #NOTHING}).
   */
  Runnable handle(DeploymentEvent event, Connection tx) throws SQLException;

  Runnable NOTHING = () -> {};
}
