package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.db.Transactions;
import dev.slipway.proto.v1.DeploymentEvent;
import jakarta.inject.Singleton;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every deployment's events in commit order, for readers that resume from a position (the REST
 * feed). An event is read only once every transaction that started before it has ended, so no event
 * can later appear behind a position already handed out: nothing missed, nothing twice.
 */
@Singleton
public class EventFeed {
  private static final Pattern POSITION = Pattern.compile("(\\d{1,20})\\.(\\d{1,19})");
  private final Transactions transactions;

  /** Where a reader stands: after the event of transaction {@code tx} with row {@code id}. */
  public record Position(String tx, long id) {
    public String text() {
      return tx + "." + id;
    }

    /** A position as {@link #text()} wrote it; empty when it is not one. */
    public static java.util.Optional<Position> parse(String text) {
      var m = POSITION.matcher(text == null ? "" : text.strip());
      return m.matches()
          ? java.util.Optional.of(new Position(m.group(1), Long.parseLong(m.group(2))))
          : java.util.Optional.empty();
    }
  }

  /** An event and the position right after it. */
  public record Entry(Position position, DeploymentEvent event) {}

  /** A batch, and whether events exist past it that are not readable yet. */
  public record Batch(List<Entry> entries, boolean pending) {}

  public EventFeed(Transactions transactions) {
    this.transactions = transactions;
  }

  /** The position of now: what a reader that starts here receives is committed from now on. */
  public Position now() {
    return transactions.read(
        c -> {
          try (PreparedStatement select =
                  c.prepareStatement("select pg_snapshot_xmin(pg_current_snapshot())::text");
              ResultSet row = select.executeQuery()) {
            row.next();
            return new Position(
                Long.toString(Long.parseLong(row.getString(1)) - 1), Long.MAX_VALUE);
          }
        });
  }

  /** Up to {@code limit} events after {@code after}, oldest first. */
  public Batch after(Position after, int limit) {
    return transactions.read(
        c -> {
          List<Entry> entries = new ArrayList<>();
          try (PreparedStatement select =
              c.prepareStatement(
                  """
                  select tx::text, id, payload from events
                  where (tx, id) > (?::xid8, ?) and tx < pg_snapshot_xmin(pg_current_snapshot())
                  order by tx, id limit ?""")) {
            select.setString(1, after.tx());
            select.setLong(2, after.id());
            select.setInt(3, limit);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                entries.add(
                    new Entry(
                        new Position(rows.getString(1), rows.getLong(2)),
                        EventLog.decode(rows.getBytes(3))));
              }
            }
          }
          if (entries.size() == limit) {
            return new Batch(entries, true);
          }
          Position last = entries.isEmpty() ? after : entries.getLast().position();
          try (PreparedStatement pending =
              c.prepareStatement(
                  "select exists (select 1 from events where (tx, id) > (?::xid8, ?))")) {
            pending.setString(1, last.tx());
            pending.setLong(2, last.id());
            try (ResultSet row = pending.executeQuery()) {
              row.next();
              return new Batch(entries, row.getBoolean(1));
            }
          }
        });
  }
}
