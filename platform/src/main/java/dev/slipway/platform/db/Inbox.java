package dev.slipway.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Processed event ids of one consumer, in the service's own schema (table {@code inbox}). Marking
 * an event happens in the transaction of its effects, so a redelivered event repeats none of them.
 */
public final class Inbox {
  private Inbox() {}

  /** Returns true when the event is new and is now marked processed. */
  public static boolean markProcessed(Connection tx, UUID eventId) throws SQLException {
    try (PreparedStatement insert =
        tx.prepareStatement(
            "insert into inbox (event_id, processed_at) values (?, now()) on conflict do nothing")) {
      insert.setObject(1, eventId);
      return insert.executeUpdate() == 1;
    }
  }
}
