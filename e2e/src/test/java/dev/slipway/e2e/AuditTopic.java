package dev.slipway.e2e;

import dev.slipway.platform.events.Topics;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.PhaseStarted;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic from the beginning, as an audit consumer in any language would. */
final class AuditTopic {
  private AuditTopic() {}

  /** Every record of the topic until {@code until} matches one, or the timeout. */
  static List<ConsumerRecord<byte[], byte[]>> read(
      String bootstrap,
      String topic,
      Predicate<ConsumerRecord<byte[], byte[]>> until,
      Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          records.add(record);
          if (until.test(record)) {
            return records;
          }
        }
      }
      return records;
    }
  }

  /** Every record on the topic now: read up to each partition's last stable offset. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrap, String topic, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "the topic " + topic + " could not be read to its end in " + timeout);
        }
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * Every event of one deployment on the audit topic, in order: the records whose CloudEvents
   * subject is the deployment (a fault test puts an undecodable one of no deployment there).
   */
  static List<DeploymentEvent> eventsOf(E2eEnvironment env, String deployment) {
    return readAll(env.infrastructure.kafkaBootstrap(), Topics.DEPLOYMENTS, Duration.ofSeconds(30))
        .stream()
        .filter(record -> deployment.equals(header(record, "ce_subject")))
        .map(AuditTopic::decode)
        .filter(e -> e.getDeploymentId().equals(deployment))
        .toList();
  }

  /** The phases one deployment started, in order, each as {@code describe} writes it. */
  static List<String> phasesStarted(
      E2eEnvironment env, String deployment, Function<PhaseStarted, String> describe) {
    return eventsOf(env, deployment).stream()
        .filter(DeploymentEvent::hasPhaseStarted)
        .map(DeploymentEvent::getPhaseStarted)
        .map(p -> p.getPhase().name().substring("PHASE_".length()) + " " + describe.apply(p))
        .toList();
  }

  static DeploymentEvent decode(ConsumerRecord<byte[], byte[]> record) {
    try {
      return DeploymentEvent.parseFrom(record.value());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("undecodable record at offset " + record.offset(), e);
    }
  }

  static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
