package dev.slipway.backup.domain;

import java.util.List;

/** Keep-N retention: which backup sets are past the number a target keeps. */
public final class Retention {
  private Retention() {}

  /** The sets to delete, given all complete sets newest first. */
  public static <T> List<T> expired(List<T> newestFirst, int keep) {
    return newestFirst.size() <= keep
        ? List.of()
        : List.copyOf(newestFirst.subList(keep, newestFirst.size()));
  }
}
