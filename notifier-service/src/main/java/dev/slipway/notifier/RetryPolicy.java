package dev.slipway.notifier;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What happens after one webhook attempt. 2xx delivers; 408, 429, 5xx and network errors are
 * retried on the channel's schedule (a Retry-After header, in seconds or as an HTTP date, wins when
 * it asks for longer, up to a day); 410 Gone disables the channel's endpoint; any other 4xx is the
 * receiver refusing this message for good and is not retried.
 */
public record RetryPolicy(List<Duration> schedule) {
  /**
   * The Standard Webhooks example schedule: the last retry about 27 hours after the first attempt.
   */
  public static final List<Duration> DEFAULT_SCHEDULE =
      List.of(
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(30),
          Duration.ofHours(2),
          Duration.ofHours(5),
          Duration.ofHours(10),
          Duration.ofHours(10));

  private static final Duration LONGEST_RETRY_AFTER = Duration.ofDays(1);

  /** What to do next. */
  public sealed interface Verdict {}

  public record Delivered() implements Verdict {}

  public record RetryAt(Instant when) implements Verdict {}

  public record GiveUp(String why) implements Verdict {}

  /** Every attempt the schedule allows was made. */
  public record Exhausted(String why) implements Verdict {}

  public record DisableEndpoint(String why) implements Verdict {}

  /** A schedule written as {@code 5s,5m,30m,2h}. */
  public static RetryPolicy parse(String schedule) {
    if (schedule == null || schedule.isBlank()) {
      return new RetryPolicy(DEFAULT_SCHEDULE);
    }
    List<Duration> steps = new ArrayList<>();
    for (String step : schedule.split(",")) {
      String s = step.strip();
      if (!s.matches("\\d{1,6}[smhd]")) {
        throw new IllegalArgumentException(
            "retry schedule step '" + s + "' is not like 30s, 5m, 2h or 1d");
      }
      long amount = Long.parseLong(s.substring(0, s.length() - 1));
      steps.add(
          switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
          });
    }
    return new RetryPolicy(List.copyOf(steps));
  }

  /**
   * @param attempt the attempt just made, 1 for the first (since the last retry by hand)
   * @param status the HTTP status, empty when no answer came
   */
  public Verdict after(
      int attempt, Optional<Integer> status, Optional<String> retryAfter, Instant now) {
    if (status.isPresent()) {
      int code = status.get();
      if (code >= 200 && code < 300) {
        return new Delivered();
      }
      if (code == 410) {
        return new DisableEndpoint("the receiver answered 410 Gone");
      }
      if (code >= 400 && code < 500 && code != 408 && code != 429) {
        return new GiveUp("HTTP " + code + " is not retried: the receiver refused this message");
      }
    }
    if (attempt > schedule.size()) {
      return new Exhausted("no answer that delivered it after " + attempt + " attempts");
    }
    Duration wait = schedule.get(attempt - 1);
    Optional<Duration> asked = retryAfter.flatMap(header -> retryAfter(header, now));
    if (asked.isPresent() && asked.get().compareTo(wait) > 0) {
      wait = asked.get().compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : asked.get();
    }
    return new RetryAt(now.plus(wait));
  }

  /** Retry-After as delay-seconds or as an HTTP date (RFC 9110). */
  static Optional<Duration> retryAfter(String header, Instant now) {
    String value = header.strip();
    if (value.matches("\\d{1,9}")) {
      return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
