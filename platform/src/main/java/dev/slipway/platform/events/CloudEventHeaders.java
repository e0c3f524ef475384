package dev.slipway.platform.events;

import com.google.protobuf.util.Timestamps;
import dev.slipway.proto.v1.DeploymentEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** CloudEvents 1.0 binary-mode Kafka headers of a deployment event. */
public final class CloudEventHeaders {
  public static final String CONTENT_TYPE = "application/protobuf";
  private static final String SOURCE = "/slipway/orchestrator";

  private CloudEventHeaders() {}

  /** Header name to value, in a stable order. */
  public static Map<String, String> of(DeploymentEvent event) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ce_specversion", "1.0");
    headers.put("ce_id", event.getEventId());
    headers.put("ce_type", type(event));
    headers.put("ce_source", SOURCE);
    headers.put(
        "ce_subject",
        event.getDeploymentId().isEmpty()
            ? TargetKey.of(event.getTarget())
            : event.getDeploymentId());
    headers.put("ce_time", Instant.ofEpochMilli(Timestamps.toMillis(event.getTime())).toString());
    headers.put("content-type", CONTENT_TYPE);
    return headers;
  }

  /**
   * The W3C trace context of a record, twice: {@code traceparent} for Kafka tracing
   * instrumentations, {@code ce_traceparent} for the CloudEvents distributed-tracing extension.
   */
  public static Map<String, String> tracing(String traceparent) {
    return Map.of("traceparent", traceparent, "ce_traceparent", traceparent);
  }

  /** e.g. {@code dev.slipway.deployment.phase_started.v1}. */
  public static String type(DeploymentEvent event) {
    return "dev.slipway.deployment." + event.getKindCase().name().toLowerCase(Locale.ROOT) + ".v1";
  }

  public static byte[] bytes(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
