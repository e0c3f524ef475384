package dev.slipway.platform.kafka;

import dev.slipway.proto.v1.DeploymentEvent;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a service does with one deployment event: first anything that needs the network, outside any
 * transaction, then its records inside the transaction that marks the event processed.
 */
@FunctionalInterface
public interface EventHandler {
  /**
   * Fetches what {@link #handle} needs from other services (called before every attempt, outside
   * any transaction: no network call is ever made while a transaction is open).
   */
  default void beforeTransaction(DeploymentEvent event) throws InterruptedException {}

  /**
   * Records the effects of the event in {@code tx}, using only the database and what {@link
   * #beforeTransaction} fetched; returns work to start once the transaction has committed (or
   * {@link #NOTHING}).
   */
  Runnable handle(DeploymentEvent event, Connection tx) throws SQLException;

  Runnable NOTHING = () -> {};
}
