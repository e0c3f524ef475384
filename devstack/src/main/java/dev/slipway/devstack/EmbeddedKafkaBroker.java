package dev.slipway.devstack;

import java.util.ArrayList;
import java.util.List;
import kafka.testkit.KafkaClusterTestKit;
import kafka.testkit.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) in this JVM.
 *
 * <p>Two Kafka habits are tamed because the broker shares its JVM with tests or the dev stack: it
 * would halt the whole JVM when its log directory fails, and its test kit deletes that directory
 * from a JVM shutdown hook, which races the broker's own shutdown at exit and fails the directory
 * under it. Here the deletion runs in {@link #close} after the broker stopped, and a halt is logged
 * instead of ending the JVM.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final Object HOOKS = new Object();
  private static List<Runnable> cleanupsOfStartingBroker;

  static {
    Exit.setShutdownHookAdder(EmbeddedKafkaBroker::addShutdownHook);
    Exit.setHaltProcedure(
        (status, message) ->
            LOG.error("the embedded Kafka broker asked to halt ({}): {}", status, message));
    Exit.setExitProcedure(
        (status, message) ->
            LOG.error("the embedded Kafka broker asked to exit ({}): {}", status, message));
  }

  private final KafkaClusterTestKit cluster;
  private final List<Runnable> cleanups;

  private EmbeddedKafkaBroker(KafkaClusterTestKit cluster, List<Runnable> cleanups) {
    this.cluster = cluster;
    this.cleanups = cleanups;
  }

  public static synchronized EmbeddedKafkaBroker start() throws Exception {
    List<Runnable> cleanups = new ArrayList<>();
    synchronized (HOOKS) {
      cleanupsOfStartingBroker = cleanups;
    }
    try {
      return new EmbeddedKafkaBroker(startCluster(), cleanups);
    } finally {
      synchronized (HOOKS) {
        cleanupsOfStartingBroker = null;
      }
    }
  }

  private static KafkaClusterTestKit startCluster() throws Exception {
    KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("offsets.topic.num.partitions", "6")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("auto.create.topics.enable", "false")
            .build();
    cluster.format();
    cluster.startup();
    cluster.waitForReadyBrokers();
    return cluster;
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Stops the broker, then deletes its directories. */
  @Override
  public void close() throws Exception {
    try {
      cluster.close();
    } finally {
      cleanups.forEach(Runnable::run);
    }
  }

  /** Kafka's hooks of a starting broker are its directories' deletions: they wait for close. */
  private static void addShutdownHook(String name, Runnable hook) {
    synchronized (HOOKS) {
      if (cleanupsOfStartingBroker != null) {
        cleanupsOfStartingBroker.add(hook);
        return;
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(hook, name));
  }
}
