package dev.slipway.orchestrator.gates;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
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
    Instant end = null;
    LocalDate first = now.minus(duration).atZone(zone).toLocalDate().minusDays(1);
    LocalDate last = now.atZone(zone).toLocalDate();
    for (LocalDate date = first; !date.isAfter(last); date = date.plusDays(1)) {
      if (!cron.onDate(date)) {
        continue;
      }
      for (LocalTime time : cron.times()) {
        Instant start = ZonedDateTime.of(date, time, zone).toInstant();
        Instant stop = start.plus(duration);
        if (!start.isAfter(now) && now.isBefore(stop) && (end == null || stop.isAfter(end))) {
          end = stop;
        }
      }
    }
    return Optional.ofNullable(end);
  }
}
