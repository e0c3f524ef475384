package dev.slipway.orchestrator.watch;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.ledger.LedgerRow;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.orchestrator.outbox.EventLog;
import dev.slipway.platform.db.Transactions;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.HealthVerdict;
import dev.slipway.proto.v1.TargetHealthChanged;
import dev.slipway.proto.v1.TargetRef;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The standing watch's side in the orchestrator: which targets the health-service watches, and the
 * verdicts it reports. A verdict is taken only for the version running now, while no deployment of
 * the target runs; a change is stored on the ledger entry and published as a target event in the
 * same transaction.
 */
@Singleton
public class Watches {
  public static final int MAX_SUMMARY = 2_000;
  private static final int LARGEST_PAGE = 1_000;
  private final Transactions transactions;
  private final WatchRepository repository;
  private final EventLog eventLog;
  private final Clock clock;

  public Watches(
      Transactions transactions, WatchRepository repository, EventLog eventLog, Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.eventLog = eventLog;
    this.clock = clock;
  }

  public record Page(List<WatchRepository.Watched> watches, String nextPageToken) {}

  /** Watched targets in (app, environment) order, after the page token's. */
  public Page page(int pageSize, String pageToken) {
    int size = pageSize <= 0 ? 500 : Math.min(pageSize, LARGEST_PAGE);
    String[] after = decode(pageToken);
    return transactions.read(
        c -> {
          List<WatchRepository.Watched> rows = repository.page(after[0], after[1], size + 1);
          List<WatchRepository.Watched> page = rows.subList(0, Math.min(size, rows.size()));
          String next =
              rows.size() > size ? encode(page.getLast().app(), page.getLast().environment()) : "";
          return new Page(List.copyOf(page), next);
        });
  }

  public Optional<WatchRepository.Watched> one(String app, String environment) {
    return transactions.read(c -> repository.one(app, environment));
  }

  /** Whether the verdict was taken, and whether it changed the target's. */
  public record Report(boolean accepted, boolean changed) {}

  public Report report(
      String app,
      String environment,
      UUID deploymentId,
      long entryId,
      HealthVerdict verdict,
      String summary) {
    if (verdict == HealthVerdict.HEALTH_VERDICT_UNSPECIFIED
        || verdict == HealthVerdict.UNRECOGNIZED) {
      throw new InvalidInput("verdict", "must be HEALTHY, UNHEALTHY or UNCHECKED");
    }
    String health = name(verdict);
    String line =
        summary.length() <= MAX_SUMMARY ? summary : summary.substring(0, MAX_SUMMARY) + "…";
    return transactions.inTransaction(
        c -> {
          Optional<LedgerRow> running = repository.lockRunning(app, environment);
          Optional<WatchRepository.Watched> watched = repository.one(app, environment);
          if (running.isEmpty()
              || !running.get().deploymentId().equals(deploymentId)
              || running.get().id() != entryId
              || watched.isEmpty()
              || watched.get().paused()) {
            return new Report(false, false);
          }
          LedgerRow row = running.get();
          if (row.health().equals(health)) {
            return new Report(true, false);
          }
          Instant now = clock.instant();
          repository.updateHealth(row.id(), health, now, line);
          eventLog.appendTargetEvent(
              c,
              app,
              environment,
              eventId ->
                  DeploymentEvent.newBuilder()
                      .setEventId(eventId)
                      .setTarget(TargetRef.newBuilder().setApp(app).setEnvironment(environment))
                      .setTime(EventCodec.timestamp(now))
                      .setHealthChanged(
                          TargetHealthChanged.newBuilder()
                              .setVerdict(verdict)
                              .setPrevious(verdict(row.health()))
                              .setVersion(row.version())
                              .setDeploymentId(row.deploymentId().toString())
                              .setSummary(line)
                              .setPreviousSince(EventCodec.timestamp(row.healthSince())))
                      .build(),
              now);
          return new Report(true, true);
        });
  }

  /** The ledger's name of a verdict: {@code HEALTHY}, {@code UNHEALTHY}, {@code UNCHECKED}. */
  public static String name(HealthVerdict verdict) {
    return verdict.name().substring("HEALTH_VERDICT_".length());
  }

  public static HealthVerdict verdict(String name) {
    return HealthVerdict.valueOf("HEALTH_VERDICT_" + name);
  }

  private static String encode(String app, String environment) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((app + "\n" + environment).getBytes(StandardCharsets.UTF_8));
  }

  private static String[] decode(String token) {
    if (token.isEmpty()) {
      return new String[] {"", ""};
    }
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split("\n", 2);
      if (parts.length == 2) {
        return parts;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new InvalidInput("page_token", "is not a token this call gave out");
  }
}
