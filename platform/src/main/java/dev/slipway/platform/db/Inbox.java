package dev.slipway.platform.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Processed event ids of one consumer, in the service's own schema (table {@code inbox}). Marking
 * an event happens in the transaction of its effects, so a redelivered event repeats none of them.
 * Ids older than the dedupe window are pruned.
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

  /**
   * Forgets events processed before {@code before}, at most {@code batch} of them; returns how
   * many. Kafka keeps a record for its retention (7 days by default): a redelivery older than the
   * dedupe window is not expected, and the table stays as small as the window.
   */
  public static int prune(Connection c, java.time.Instant before, int batch) throws SQLException {
    try (PreparedStatement delete =
        c.prepareStatement(
            "delete from inbox where event_id in"
                + " (select event_id from inbox where processed_at < ? limit ?)")) {
      delete.setTimestamp(1, java.sql.Timestamp.from(before));
      delete.setInt(2, batch);
      return delete.executeUpdate();
    }
  }
}
