package dev.slipway.platform.events;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** The topics Slipway publishes to, and their creation at start-up (idempotent). */
public final class Topics {
  public static final String DEPLOYMENTS = "slipway.deployments.v1";
  public static final String DEPLOYMENTS_DLQ = DEPLOYMENTS + ".dlq";

  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

  private Topics() {}

  /**
   * Creates the topics if missing; every service calls it so start order does not matter. A broker
   * that does not answer fails the call within about {@link #ADMIN_TIMEOUT}, not the client's
   * minute.
   */
  public static void ensureExist(String bootstrapServers, int partitions, short replication) {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) ADMIN_TIMEOUT.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) ADMIN_TIMEOUT.toMillis() / 2))) {
      for (String name : List.of(DEPLOYMENTS, DEPLOYMENTS_DLQ)) {
        try {
          admin
              .createTopics(List.of(new NewTopic(name, partitions, replication)))
              .all()
              .get(ADMIN_TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          throw new IllegalStateException("Kafka: no answer creating topic " + name, e);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException("Kafka: cannot create topic " + name, e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating Kafka topics", e);
    }
  }
}
