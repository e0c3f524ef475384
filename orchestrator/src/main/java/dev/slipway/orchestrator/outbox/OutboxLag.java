package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.db.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * {@code slipway_outbox_lag_seconds}: the age of the oldest event not yet on Kafka, 0 when none is
 * waiting. It is read from the database every 5 seconds, off the scrape (a scrape never waits for
 * the database), so that it grows while no replica relays; NaN when the last reading is older than
 * 30 seconds. Every replica reports the same figure, since the outbox is one.
 */
@Context
public class OutboxLag {
  private static final Duration STALE = Duration.ofSeconds(30);
  private final DataSource dataSource;
  private final Clock clock;
  private volatile double seconds = Double.NaN;
  private volatile Instant readAt = Instant.MIN;

  // Not a MeterBinder: binders are made with the registry, before the pool that this one reads.
  public OutboxLag(Transactions transactions, MeterRegistry registry, Clock clock) {
    this.dataSource = transactions.dataSource();
    this.clock = clock;
    TimeGauge.builder("slipway.outbox.lag", this, TimeUnit.SECONDS, OutboxLag::value)
        .description("Age of the oldest deployment event not yet published to Kafka")
        .register(registry);
  }

  private double value() {
    return readAt.isBefore(clock.instant().minus(STALE)) ? Double.NaN : seconds;
  }

  @Scheduled(fixedDelay = "5s")
  void refresh() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                // The rows' times are the orchestrators' clocks; now() is the database's.
                "select greatest(0, coalesce(extract(epoch from now() - min(created_at)), 0))"
                    + " from events where published_at is null")) {
      select.setQueryTimeout(5);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        seconds = row.getDouble(1);
        readAt = clock.instant();
      }
    } catch (SQLException e) {
      // Stale soon: NaN says the figure is not known.
    }
  }
}
