package dev.slipway.bench;

import java.util.Arrays;

/** Durations of one scenario's runs, in nanoseconds, and their percentiles. */
final class Latencies {
  private long[] nanos = new long[64];
  private int count;

  void add(long duration) {
    if (count == nanos.length) {
      nanos = Arrays.copyOf(nanos, count * 2);
    }
    nanos[count++] = duration;
  }

  int count() {
    return count;
  }

  /** The p-th percentile (nearest rank) in milliseconds. */
  double percentileMillis(double p) {
    if (count == 0) {
      throw new IllegalStateException("no runs recorded");
    }
    long[] sorted = Arrays.copyOf(nanos, count);
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * count);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  double p50() {
    return percentileMillis(50);
  }

  double p99() {
    return percentileMillis(99);
  }
}
