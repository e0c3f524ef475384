package dev.slipway.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** The one table {@code ./slipway bench} prints: each figure next to its goal and baseline. */
final class Report {
  /**
   * One figure.
   *
   * @param baseline the raw baseline's figure in the same unit, or NaN when the goal has none
   * @param lowerIsBetter whether the goal is a ceiling (latency) rather than a floor (throughput)
   */
  record Row(
      String scenario,
      String figure,
      double value,
      String unit,
      double goal,
      boolean lowerIsBetter,
      double baseline) {
    boolean met() {
      return lowerIsBetter ? value <= goal : value >= goal;
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  void add(String scenario, String figure, double value, String unit, double goal, boolean lower) {
    rows.add(new Row(scenario, figure, value, unit, goal, lower, Double.NaN));
  }

  void add(
      String scenario,
      String figure,
      double value,
      String unit,
      double goal,
      boolean lower,
      double baseline) {
    rows.add(new Row(scenario, figure, value, unit, goal, lower, baseline));
  }

  /** A line printed under the table: what a figure means or what bounds it. */
  void note(String note) {
    notes.add(note);
  }

  List<Row> rows() {
    return rows;
  }

  void print(PrintStream out) {
    String format = "%-40s %-22s %11s %11s %10s %7s  %s%n";
    out.printf(format, "scenario", "figure", "value", "goal", "baseline", "ratio", "");
    for (Row row : rows) {
      out.printf(
          format,
          row.scenario(),
          row.figure(),
          amount(row.value(), row.unit()),
          (row.lowerIsBetter() ? "≤ " : "≥ ") + amount(row.goal(), row.unit()),
          Double.isNaN(row.baseline()) ? "" : amount(row.baseline(), row.unit()),
          Double.isNaN(row.baseline()) ? "" : "%.2f×".formatted(row.value() / row.baseline()),
          row.met() ? "meets" : "MISSES");
    }
    notes.forEach(note -> out.println("  " + note));
  }

  private static String amount(double value, String unit) {
    return (value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : "%.2f").formatted(value) + " " + unit;
  }
}
