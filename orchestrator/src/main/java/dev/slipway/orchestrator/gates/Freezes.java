package dev.slipway.orchestrator.gates;

import dev.slipway.orchestrator.domain.Freeze;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.InvalidInput.Violation;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.targets.TargetValidator;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.spec.Durations;
import jakarta.inject.Singleton;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Freeze windows per environment: kept, validated, and asked which one is in force. */
@Singleton
public class Freezes {
  private static final int MAX_REASON = 500;
  private final Transactions transactions;
  private final FreezeWindowRepository repository;

  public Freezes(Transactions transactions, FreezeWindowRepository repository) {
    this.transactions = transactions;
    this.repository = repository;
  }

  /** Within the caller's transaction: the window in force on the environment now, if any. */
  public Optional<Freeze> inForce(String environment, Instant now) {
    return FreezeCalendar.inForce(
        repository.list(environment).stream().map(FreezeWindowRow::window).toList(), now);
  }

  /** What a window definition says, before it is stored. */
  public record Definition(
      String environment,
      String name,
      String reason,
      String cron,
      String duration,
      String zone,
      Instant startsAt,
      Instant endsAt) {}

  public FreezeWindowRow apply(Definition definition, String by, Instant now) {
    FreezeWindow window = validate(definition, now);
    return transactions.inTransaction(
        c -> {
          repository.upsert(
              window.environment(),
              window.name(),
              window.reason(),
              window.isRecurring() ? definition.cron().strip() : null,
              window.isRecurring() ? window.duration().toSeconds() : null,
              window.isRecurring() ? window.zone().getId() : null,
              window.startsAt(),
              window.endsAt(),
              by,
              now);
          return repository.find(window.environment(), window.name()).orElseThrow();
        });
  }

  public List<FreezeWindowRow> list(String environment) {
    return transactions.read(c -> repository.list(environment));
  }

  public FreezeWindowRow delete(String environment, String name) {
    return transactions.inTransaction(
        c -> {
          FreezeWindowRow row =
              repository
                  .find(environment, name)
                  .orElseThrow(
                      () -> new NotFound("no freeze window " + name + " in " + environment));
          repository.delete(environment, name);
          return row;
        });
  }

  static FreezeWindow validate(Definition d, Instant now) {
    List<Violation> violations = new ArrayList<>();
    name(violations, "environment", d.environment());
    name(violations, "name", d.name());
    if (d.reason().isBlank()) {
      violations.add(new Violation("reason", "is required: say why releases stop"));
    } else if (d.reason().length() > MAX_REASON) {
      violations.add(new Violation("reason", "must be at most " + MAX_REASON + " characters"));
    }
    FreezeWindow window = null;
    if (!d.cron().isBlank()) {
      window = recurring(d, violations);
    } else if (d.startsAt() != null || d.endsAt() != null) {
      window = oneOff(d, now, violations);
    } else {
      violations.add(
          new Violation(
              "cron", "or startsAt and endsAt is required: a recurring or a one-off window"));
    }
    if (!violations.isEmpty()) {
      throw new InvalidInput(violations);
    }
    return window;
  }

  private static FreezeWindow recurring(Definition d, List<Violation> violations) {
    if (d.startsAt() != null || d.endsAt() != null) {
      violations.add(
          new Violation("startsAt", "is for one-off windows; a window with cron recurs"));
    }
    Cron cron = null;
    try {
      cron = Cron.parse(d.cron());
    } catch (IllegalArgumentException e) {
      violations.add(new Violation("cron", e.getMessage()));
    }
    Duration duration = null;
    try {
      duration = Durations.parse(d.duration(), Duration.ZERO);
      if (duration.isZero()
          || duration.isNegative()
          || duration.compareTo(FreezeWindow.MAX_DURATION) > 0) {
        violations.add(
            new Violation("duration", "is required with cron, more than 0 and at most 31 days"));
      }
    } catch (IllegalArgumentException e) {
      violations.add(new Violation("duration", e.getMessage()));
    }
    ZoneId zone = null;
    if (d.zone().isBlank()) {
      violations.add(
          new Violation("zone", "is required with cron: an IANA zone, e.g. Europe/Berlin"));
    } else {
      try {
        zone = ZoneId.of(d.zone());
      } catch (DateTimeException e) {
        violations.add(new Violation("zone", "'" + d.zone() + "' is not an IANA time zone"));
      }
    }
    return violations.isEmpty()
        ? FreezeWindow.recurring(d.environment(), d.name(), d.reason(), cron, duration, zone)
        : null;
  }

  private static FreezeWindow oneOff(Definition d, Instant now, List<Violation> violations) {
    if (!d.duration().isBlank() || !d.zone().isBlank()) {
      violations.add(
          new Violation("duration", "and zone are for recurring windows; a one-off has endsAt"));
    }
    if (d.startsAt() == null || d.endsAt() == null) {
      violations.add(
          new Violation("endsAt", "and startsAt are both required for a one-off window"));
    } else if (!d.endsAt().isAfter(d.startsAt())) {
      violations.add(new Violation("endsAt", "must be after startsAt"));
    } else if (!d.endsAt().isAfter(now)) {
      violations.add(new Violation("endsAt", "is in the past: the window would never apply"));
    }
    return violations.isEmpty()
        ? FreezeWindow.oneOff(d.environment(), d.name(), d.reason(), d.startsAt(), d.endsAt())
        : null;
  }

  private static void name(List<Violation> violations, String field, String value) {
    if (!TargetValidator.NAME.matcher(value).matches()) {
      violations.add(
          new Violation(
              field,
              value.isEmpty() ? "is required" : "must be lowercase letters, digits and '-'"));
    }
  }
}
