package dev.slipway.backup.domain;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Which of a target's complete backup sets are kept: the newest {@code last}, and the newest set of
 * each of the latest {@code daily} days, {@code weekly} ISO weeks and {@code monthly} months that
 * have one (in UTC). Whatever the policy, the newest set, every set of a held deployment (one still
 * running, or the rollback of a version still quarantined) and every held set (one a restore is
 * putting back) are kept.
 */
public final class Retention {
  private Retention() {}

  /** How many of each a target keeps; {@code keep: N} is {@code last: N}. */
  public record Policy(int last, int daily, int weekly, int monthly) {
    public static Policy keepLast(int last) {
      return new Policy(last, 0, 0, 0);
    }

    @Override
    public String toString() {
      return "last "
          + last
          + ", "
          + daily
          + " daily, "
          + weekly
          + " weekly, "
          + monthly
          + " monthly";
    }
  }

  /** A complete set as retention sees it. */
  public record Candidate(UUID id, UUID deploymentId, Instant createdAt) {}

  /** Whether a set stays, and which rule says so (or why it goes). */
  public record Verdict(Candidate set, boolean kept, String why) {}

  /**
   * @param newestFirst every complete set of one kind of one target, newest first
   * @param held deployments whose sets are never deleted, and sets that are not, by id, with why
   */
  public static List<Verdict> decide(
      List<Candidate> newestFirst, Policy policy, Map<UUID, String> held) {
    Set<String> days = new HashSet<>();
    Set<String> weeks = new HashSet<>();
    Set<String> months = new HashSet<>();
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < newestFirst.size(); i++) {
      Candidate set = newestFirst.get(i);
      LocalDate day = LocalDate.ofInstant(set.createdAt(), ZoneOffset.UTC);
      String why =
          i == 0
              ? "the newest good backup"
              : held.containsKey(set.id()) || held.containsKey(set.deploymentId())
                  ? "held: " + held.getOrDefault(set.id(), held.get(set.deploymentId()))
                  : i < policy.last() ? "one of the last " + policy.last() : null;
      // Each bucket takes the newest set of a period it has not filled yet, whatever else keeps it.
      String daily = newest(days, policy.daily(), day, LocalDate::toString);
      String weekly =
          newest(
              weeks,
              policy.weekly(),
              day,
              d ->
                  d.get(IsoFields.WEEK_BASED_YEAR)
                      + "-W"
                      + d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      String monthly = newest(months, policy.monthly(), day, d -> d.toString().substring(0, 7));
      if (why == null) {
        why =
            daily != null
                ? "the newest of day " + daily
                : weekly != null
                    ? "the newest of week " + weekly
                    : monthly != null ? "the newest of month " + monthly : null;
      }
      verdicts.add(
          why == null
              ? new Verdict(set, false, "beyond the policy (" + policy + ")")
              : new Verdict(set, true, why));
    }
    return verdicts;
  }

  /** The period's name when this set is the first (newest) of a period the bucket still takes. */
  private static String newest(
      Set<String> taken, int limit, LocalDate day, Function<LocalDate, String> period) {
    String name = period.apply(day);
    if (taken.size() >= limit || taken.contains(name)) {
      return null;
    }
    taken.add(name);
    return name;
  }
}
