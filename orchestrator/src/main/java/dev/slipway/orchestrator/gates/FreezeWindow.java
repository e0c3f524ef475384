package dev.slipway.orchestrator.gates;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A time in which releases of an environment do not start: recurring (a cron for each start, in a
 * zone, lasting a duration) or one-off (from an instant to an instant).
 *
 * <p>Recurring starts are local times of the window's zone, resolved as {@code java.time} does: a
 * start that falls in the spring-forward gap happens when the clock resumes, that much later; a
 * start in the autumn's repeated hour happens at its first occurrence, once. The duration is
 * elapsed time, so a window over a clock change ends at the same elapsed distance from its start.
 */
public record FreezeWindow(
    String environment,
    String name,
    String reason,
    Cron cron,
    Duration duration,
    ZoneId zone,
    Instant startsAt,
    Instant endsAt) {
  /** The longest a recurring window may last; bounds the search for an occurrence. */
  public static final Duration MAX_DURATION = Duration.ofDays(31);

  public static FreezeWindow recurring(
      String environment, String name, String reason, Cron cron, Duration duration, ZoneId zone) {
    return new FreezeWindow(environment, name, reason, cron, duration, zone, null, null);
  }

  public static FreezeWindow oneOff(
      String environment, String name, String reason, Instant startsAt, Instant endsAt) {
    return new FreezeWindow(environment, name, reason, null, null, null, startsAt, endsAt);
  }

  public boolean isRecurring() {
    return cron != null;
  }

  /** When the occurrence in force at {@code now} ends; empty when none is. */
  public Optional<Instant> endOfOccurrenceAt(Instant now) {
    if (!isRecurring()) {
      return !now.isBefore(startsAt) && now.isBefore(endsAt)
          ? Optional.of(endsAt)
          : Optional.empty();
    }
    // Every occurrence lasts as long, so the one in force, if any, is the latest to start.
    LocalDate earliest = now.minus(duration).atZone(zone).toLocalDate().minusDays(1);
    List<LocalTime> times = cron.times();
    for (LocalDate date = now.atZone(zone).toLocalDate();
        !date.isBefore(earliest);
        date = date.minusDays(1)) {
      if (!cron.onDate(date)) {
        continue;
      }
      // Within a day a start shifted out of the spring gap may pass a later one: take the latest.
      Instant latest = null;
      for (LocalTime time : times) {
        Instant start = ZonedDateTime.of(date, time, zone).toInstant();
        if (!start.isAfter(now) && (latest == null || start.isAfter(latest))) {
          latest = start;
        }
      }
      if (latest != null) {
        Instant stop = latest.plus(duration);
        return now.isBefore(stop) ? Optional.of(stop) : Optional.empty();
      }
    }
    return Optional.empty();
  }
}
