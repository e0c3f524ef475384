package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.db.Transactions;
import dev.slipway.proto.v1.DeploymentEvent;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every deployment's events by feed position, for readers that resume from one (the REST feed).
 * {@link FeedSequencer} makes positions visible in increasing order only, so a reader that goes on
 * from the last position it got misses nothing and sees nothing twice, and each deployment's events
 * come in sequence.
 */
@Singleton
public class EventFeed {
  private static final Pattern POSITION = Pattern.compile("\\d{1,18}");
  private final Transactions transactions;

  /** An event and its position. */
  public record Entry(long position, DeploymentEvent event) {}

  public EventFeed(Transactions transactions) {
    this.transactions = transactions;
  }

  /** A position as an event's id wrote it; empty when the text is not one. */
  public static Optional<Long> position(String text) {
    String digits = text == null ? "" : text.strip();
    return POSITION.matcher(digits).matches()
        ? Optional.of(Long.parseLong(digits))
        : Optional.empty();
  }

  /** The last position given so far: a reader that starts there gets what is numbered next. */
  public long now() {
    return transactions.read(
        c -> {
          try (PreparedStatement select =
                  c.prepareStatement("select coalesce(max(feed_position), 0) from events");
              ResultSet row = select.executeQuery()) {
            row.next();
            return row.getLong(1);
          }
        });
  }

  /** Up to {@code limit} events after position {@code after}, in order. */
  public List<Entry> after(long after, int limit) {
    return transactions.read(
        c -> {
          List<Entry> entries = new ArrayList<>();
          try (PreparedStatement select =
              c.prepareStatement(
                  "select feed_position, payload from events where feed_position > ?"
                      + " order by feed_position limit ?")) {
            select.setLong(1, after);
            select.setInt(2, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                entries.add(new Entry(rows.getLong(1), EventLog.decode(rows.getBytes(2))));
              }
            }
          }
          return entries;
        });
  }
}
