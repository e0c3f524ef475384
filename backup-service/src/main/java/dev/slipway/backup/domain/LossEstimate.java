package dev.slipway.backup.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a restore throws away: per table, the rows the snapshot taken just before it holds and the
 * backup it restores does not (disappear), the rows the backup brings back (appear), and the rows
 * changed since (revert). Exact counts where both sides counted the table, the cumulative tuple
 * counters of {@code pg_stat_user_tables} otherwise; each table says which.
 */
public final class LossEstimate {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  /** Tables named in the sentence at most; the rest are counted. */
  static final int TABLES_NAMED = 20;

  private LossEstimate() {}

  /** One table as counted when a set was taken. */
  public record TableStats(
      String table, long rows, boolean exact, long inserted, long updated, long deleted) {}

  /** What restoring does to one table. */
  public record TableLoss(String table, long disappear, long appear, long change, String basis) {
    public boolean loses() {
      return disappear > 0 || appear > 0 || change > 0;
    }

    String sentence(String since) {
      List<String> parts = new ArrayList<>();
      if (disappear > 0) {
        parts.add(disappear + " rows written since " + since + " are discarded");
      }
      if (appear > 0) {
        parts.add(appear + " rows deleted since come back");
      }
      if (change > 0) {
        parts.add(change + " row changes are undone");
      }
      return "in " + table + " " + String.join(", ", parts) + " (" + basis + ")";
    }
  }

  /** Every table of either side, in name order. */
  public static List<TableLoss> of(List<TableStats> backup, List<TableStats> snapshot) {
    Map<String, TableStats> then = byName(backup);
    Map<String, TableStats> now = byName(snapshot);
    TreeSet<String> tables = new TreeSet<>(then.keySet());
    tables.addAll(now.keySet());
    List<TableLoss> losses = new ArrayList<>();
    for (String table : tables) {
      TableStats before = then.get(table);
      TableStats after = now.get(table);
      if (before == null) {
        losses.add(new TableLoss(table, after.rows(), 0, 0, "a table the backup does not have"));
      } else if (after == null) {
        losses.add(new TableLoss(table, 0, before.rows(), 0, "a table dropped since the backup"));
      } else {
        losses.add(compare(table, before, after));
      }
    }
    return losses;
  }

  private static TableLoss compare(String table, TableStats before, TableStats after) {
    long inserted = after.inserted() - before.inserted();
    long updated = after.updated() - before.updated();
    long deleted = after.deleted() - before.deleted();
    boolean countersHold = inserted >= 0 && updated >= 0 && deleted >= 0;
    if (before.exact() && after.exact()) {
      // The counts give the net change; the counters also see rows written and deleted again.
      long net = after.rows() - before.rows();
      return new TableLoss(
          table,
          Math.max(Math.max(0, net), countersHold ? inserted : 0),
          Math.max(Math.max(0, -net), countersHold ? deleted : 0),
          countersHold ? updated : 0,
          "exact counts: " + after.rows() + " now, " + before.rows() + " in the backup");
    }
    if (countersHold) {
      return new TableLoss(table, inserted, deleted, updated, "tuple counters, approximate");
    }
    long net = after.rows() - before.rows();
    return new TableLoss(
        table,
        Math.max(0, net),
        Math.max(0, -net),
        0,
        "estimated row counts; the statistics were reset since the backup");
  }

  /**
   * The sentence for the phase, the event and the notification: what is lost restoring {@code
   * source} to the backup taken at {@code backupAt}, and where it is kept.
   */
  public static String summary(
      String source, Instant backupAt, List<TableLoss> losses, String snapshotId) {
    String since = CLOCK.format(backupAt);
    List<TableLoss> losing = losses.stream().filter(TableLoss::loses).toList();
    if (losing.isEmpty()) {
      return "restoring " + source + ": nothing written since " + since + " is lost";
    }
    List<String> lost = losing.stream().limit(TABLES_NAMED).map(l -> l.sentence(since)).toList();
    return "restoring "
        + source
        + ": "
        + String.join("; ", lost)
        + (losing.size() > TABLES_NAMED
            ? "; and " + (losing.size() - TABLES_NAMED) + " more tables"
            : "")
        + "; they are kept in snapshot "
        + snapshotId
        + " (to put them back: slipway backups restore "
        + snapshotId
        + ")";
  }

  private static Map<String, TableStats> byName(List<TableStats> stats) {
    Map<String, TableStats> byName = new LinkedHashMap<>();
    stats.forEach(s -> byName.put(s.table(), s));
    return byName;
  }
}
