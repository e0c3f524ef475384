package dev.slipway.platform.kafka;

import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Inbox;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import io.opentelemetry.api.trace.Tracer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the service's consumer of the deployment topic once the service is up. A service takes
 * part by providing one {@link EventHandler} bean, and any {@link EventTap}s it keeps in step with
 * the events; its consumer group is named after the service.
 */
@Singleton
@Requires(beans = EventHandler.class)
public class EventConsumerLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(EventConsumerLifecycle.class);
  private final EventConsumer consumer;
  private final String bootstrapServers;
  private final int partitions;
  private final short replication;
  private final Transactions transactions;
  private final Duration dedupeWindow;
  private final Clock clock;

  public EventConsumerLifecycle(
      EventHandler handler,
      List<EventTap> taps,
      Transactions transactions,
      Clock clock,
      @Value("${slipway.kafka.bootstrap-servers}") String bootstrapServers,
      @Value("${slipway.kafka.partitions:6}") int partitions,
      @Value("${slipway.kafka.replication-factor:1}") short replication,
      @Value("${micronaut.application.name}") String service,
      @Value("${slipway.inbox.dedupe-window:7d}") Duration dedupeWindow,
      MeterRegistry meters,
      Tracer tracer) {
    this.transactions = transactions;
    this.clock = clock;
    this.dedupeWindow = dedupeWindow;
    this.bootstrapServers = bootstrapServers;
    this.partitions = partitions;
    this.replication = replication;
    this.consumer =
        new EventConsumer(
            bootstrapServers,
            "slipway-" + service,
            Topics.DEPLOYMENTS,
            transactions,
            taps.isEmpty() ? handler : tapped(handler, List.copyOf(taps)),
            meters,
            tracer);
  }

  /** The handler, with each tap told of an event once its transaction committed. */
  private static EventHandler tapped(EventHandler handler, List<EventTap> taps) {
    return new EventHandler() {
      @Override
      public void beforeTransaction(DeploymentEvent event) throws InterruptedException {
        handler.beforeTransaction(event);
      }

      @Override
      public Runnable handle(DeploymentEvent event, Connection tx) throws SQLException {
        Runnable after = handler.handle(event, tx);
        return () -> {
          after.run();
          for (EventTap tap : taps) {
            tap.seen(event);
          }
        };
      }
    };
  }

  @EventListener
  void onStartup(StartupEvent event) {
    Topics.ensureExist(bootstrapServers, partitions, replication);
    consumer.start();
  }

  /** Keeps the inbox to the dedupe window, a bounded batch at a time. */
  @Scheduled(fixedDelay = "10m", initialDelay = "1m")
  void pruneInbox() {
    try {
      int pruned;
      do {
        pruned =
            transactions.inTransaction(
                c -> Inbox.prune(c, clock.instant().minus(dedupeWindow), 10_000));
      } while (pruned == 10_000);
    } catch (DatabaseException e) {
      LOG.warn("cannot prune the inbox now: {}", e.getMessage());
    }
  }

  /** SIGTERM: the first thing to stop is taking new events; what was processed is committed. */
  @EventListener
  @Order(Ordered.HIGHEST_PRECEDENCE)
  void onShutdown(ShutdownEvent event) throws InterruptedException {
    consumer.close();
  }

  @PreDestroy
  void stop() throws InterruptedException {
    consumer.close();
  }
}
