package dev.slipway.platform.tracing;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The OpenTelemetry SDK, configured the standard way ({@code OTEL_*} environment variables or
 * {@code otel.*} system properties) and off unless a trace exporter or an OTLP endpoint is set.
 * Off, spans are not recorded but trace context still passes through, so a trace stays whole across
 * a service that does not export.
 */
@Factory
public class TracingFactory {
  private static final List<String> EXPORTER_SETTINGS =
      List.of(
          "otel.traces.exporter",
          "otel.exporter.otlp.endpoint",
          "otel.exporter.otlp.traces.endpoint",
          "otel.sdk.disabled");

  @Singleton
  @Bean(preDestroy = "close")
  OpenTelemetrySdk openTelemetry(@Value("${micronaut.application.name}") String service) {
    if (EXPORTER_SETTINGS.stream().allMatch(key -> setting(key).isBlank())) {
      return OpenTelemetrySdk.builder().build();
    }
    return AutoConfiguredOpenTelemetrySdk.builder()
        .addPropertiesSupplier(
            () ->
                Map.of(
                    "otel.service.name", "slipway-" + service,
                    "otel.metrics.exporter", "none",
                    "otel.logs.exporter", "none"))
        .disableShutdownHook()
        .build()
        .getOpenTelemetrySdk();
  }

  /** {@code otel.a.b} as a system property, else {@code OTEL_A_B} in the environment. */
  private static String setting(String key) {
    String property = System.getProperty(key);
    if (property != null) {
      return property;
    }
    String variable = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_'));
    return variable == null ? "" : variable;
  }

  @Singleton
  Tracer tracer(OpenTelemetrySdk openTelemetry) {
    return openTelemetry.getTracer("dev.slipway");
  }
}
