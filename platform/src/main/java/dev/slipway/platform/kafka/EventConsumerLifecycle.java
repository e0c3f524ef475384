package dev.slipway.platform.kafka;

import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.Topics;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

/**
 * Starts the service's consumer of the deployment topic once the service is up. A service takes
 * part by providing one {@link EventHandler} bean; its consumer group is named after the service.
 */
@Singleton
@Requires(beans = EventHandler.class)
public class EventConsumerLifecycle {
  private final EventConsumer consumer;
  private final String bootstrapServers;
  private final int partitions;
  private final short replication;

  public EventConsumerLifecycle(
      EventHandler handler,
      Transactions transactions,
      @Value("${slipway.kafka.bootstrap-servers}") String bootstrapServers,
      @Value("${slipway.kafka.partitions:6}") int partitions,
      @Value("${slipway.kafka.replication-factor:1}") short replication,
      @Value("${micronaut.application.name}") String service) {
    this.bootstrapServers = bootstrapServers;
    this.partitions = partitions;
    this.replication = replication;
    this.consumer =
        new EventConsumer(bootstrapServers, "slipway-" + service, Topics.DEPLOYMENTS, transactions, handler);
  }

  @EventListener
  void onStartup(StartupEvent event) {
    Topics.ensureExist(bootstrapServers, partitions, replication);
    consumer.start();
  }

  @PreDestroy
  void stop() throws InterruptedException {
    consumer.close();
  }
}
