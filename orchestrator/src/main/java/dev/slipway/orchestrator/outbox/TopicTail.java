package dev.slipway.orchestrator.outbox;

import dev.slipway.platform.events.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The event ids ({@code ce_id}) of the newest committed records of the deployment topic. A relay
 * publishes one batch per transaction and marks it before the next, so of what an earlier relay
 * committed, only its last batch can be unmarked: reading back a little more than one batch per
 * partition finds it. Events are matched by their unique id, never by outbox row number, which a
 * topic that outlives its database (a reinstall, a restored backup) would confuse.
 */
final class TopicTail {
  private static final Duration READ_LIMIT = Duration.ofSeconds(30);

  private TopicTail() {}

  static List<UUID> eventIdsOfLastBatches(String bootstrapServers, int batch) {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "slipway-outbox-tail-" + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.DEPLOYMENTS, READ_LIMIT).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, READ_LIMIT);
      Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions, READ_LIMIT);
      for (TopicPartition partition : partitions) {
        // A transaction's records plus its commit marker, twice over for an aborted one before it.
        consumer.seek(
            partition, Math.max(begins.get(partition), ends.get(partition) - 2L * (batch + 1)));
      }
      List<UUID> ids = new ArrayList<>();
      long until = System.nanoTime() + READ_LIMIT.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        if (System.nanoTime() > until) {
          throw new IllegalStateException(
              "cannot read the end of " + Topics.DEPLOYMENTS + " within " + READ_LIMIT);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Header id = record.headers().lastHeader("ce_id");
          if (id != null) {
            try {
              ids.add(UUID.fromString(new String(id.value(), StandardCharsets.US_ASCII)));
            } catch (IllegalArgumentException notOurs) {
              // Not an event id of Slipway's: nothing to mark.
            }
          }
        }
      }
      return ids;
    }
  }
}
