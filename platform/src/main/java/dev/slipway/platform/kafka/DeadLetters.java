package dev.slipway.platform.kafka;

import dev.slipway.platform.events.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends a record that cannot be processed to the dead-letter topic, with where it came from and
 * why.
 */
final class DeadLetters implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String group;

  DeadLetters(String bootstrapServers, String group) {
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.group = group;
  }

  void send(ConsumerRecord<byte[], byte[]> record, String reason) throws InterruptedException {
    ProducerRecord<byte[], byte[]> dead =
        new ProducerRecord<>(Topics.DEPLOYMENTS_DLQ, record.key(), record.value());
    for (Header header : record.headers()) {
      dead.headers().add(header);
    }
    dead.headers()
        .add("slipway_dlq_reason", utf8(reason))
        .add("slipway_dlq_topic", utf8(record.topic()))
        .add("slipway_dlq_partition", utf8(Integer.toString(record.partition())))
        .add("slipway_dlq_offset", utf8(Long.toString(record.offset())))
        .add("slipway_dlq_consumer_group", utf8(group));
    try {
      producer.send(dead).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "Kafka: cannot write to " + Topics.DEPLOYMENTS_DLQ, e.getCause());
    }
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    producer.close();
  }
}
