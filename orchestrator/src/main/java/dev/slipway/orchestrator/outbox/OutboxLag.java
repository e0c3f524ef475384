package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.db.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micronaut.context.annotation.Context;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * {@code slipway_outbox_lag_seconds}: the age of the oldest event not yet on Kafka, 0 when none is
 * waiting, read from the database at each scrape so that it grows while no replica relays. NaN when
 * the database does not answer within two seconds.
 */
@Context
public class OutboxLag {
  private final DataSource dataSource;

  // Not a MeterBinder: binders are made with the registry, before the pool that this one reads.
  public OutboxLag(Transactions transactions, MeterRegistry registry) {
    this.dataSource = transactions.dataSource();
    TimeGauge.builder("slipway.outbox.lag", this, TimeUnit.SECONDS, OutboxLag::oldestSeconds)
        .description("Age of the oldest deployment event not yet published to Kafka")
        .register(registry);
  }

  private double oldestSeconds() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement select =
            c.prepareStatement(
                "select coalesce(extract(epoch from now() - min(created_at)), 0) from events"
                    + " where published_at is null")) {
      select.setQueryTimeout(2);
      try (ResultSet row = select.executeQuery()) {
        row.next();
        return row.getDouble(1);
      }
    } catch (SQLException e) {
      return Double.NaN;
    }
  }
}
