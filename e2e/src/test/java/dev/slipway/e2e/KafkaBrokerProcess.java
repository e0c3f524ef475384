package dev.slipway.e2e;

import dev.slipway.devstack.Stack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker in a process of its own, so that a test can stop it and start it
 * again on the same port and data: Apache Kafka's own {@code kafka.Kafka}, from this JVM's class
 * path.
 */
final class KafkaBrokerProcess implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final Path config;
  private Process process;

  private KafkaBrokerProcess(Path dir, int port, Path config) {
    this.dir = dir;
    this.port = port;
    this.config = config;
  }

  static KafkaBrokerProcess start(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = Stack.freePort();
    int controller = Stack.freePort();
    Path config =
        Files.writeString(
            dir.resolve("server.properties"),
            """
            process.roles=broker,controller
            node.id=1
            controller.quorum.voters=1@127.0.0.1:%2$d
            listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
            advertised.listeners=PLAINTEXT://127.0.0.1:%1$d
            listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
            controller.listener.names=CONTROLLER
            inter.broker.listener.name=PLAINTEXT
            log.dirs=%3$s
            offsets.topic.replication.factor=1
            offsets.topic.num.partitions=6
            transaction.state.log.replication.factor=1
            transaction.state.log.min.isr=1
            auto.create.topics.enable=false
            group.initial.rebalance.delay.ms=0
            """
                .formatted(port, controller, dir.resolve("data")));
    KafkaBrokerProcess broker = new KafkaBrokerProcess(dir, port, config);
    Process format =
        broker
            .java(
                "kafka.tools.StorageTool",
                "format",
                "-t",
                Uuid.randomUuid().toString(),
                "-c",
                config.toString())
            .redirectOutput(dir.resolve("format.log").toFile())
            .redirectErrorStream(true)
            .start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IOException("formatting Kafka's storage failed: see " + dir.resolve("format.log"));
    }
    try {
      broker.start();
    } catch (IOException | InterruptedException | RuntimeException e) {
      broker.stop();
      throw e;
    }
    return broker;
  }

  String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Starts the broker on its port and data, and waits until it answers. */
  synchronized void start() throws IOException, InterruptedException {
    process =
        java("kafka.Kafka", config.toString())
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.log").toFile()))
            .redirectErrorStream(true)
            .start();
    long deadline = System.nanoTime() + READY.toNanos();
    while (true) {
      try (Admin admin =
          Admin.create(
              Map.of(
                  AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                  AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                  AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
        admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException | TimeoutException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          stop();
          throw new IOException(
              "the Kafka broker did not start: see " + dir.resolve("broker.log"), e);
        }
      }
    }
  }

  /** Stops the broker (SIGTERM, then SIGKILL after 30 s). */
  synchronized void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /** This JVM's class path, in an argument file: a long one passes no argv limit. */
  private ProcessBuilder java(String mainClass, String... args) throws IOException {
    Path classpath = dir.resolve("classpath.args");
    Files.writeString(classpath, "-cp \"" + System.getProperty("java.class.path") + "\"\n");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "@" + classpath, mainClass));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
