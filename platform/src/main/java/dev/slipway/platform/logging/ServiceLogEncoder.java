package dev.slipway.platform.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import java.util.Locale;
import net.logstash.logback.encoder.LogstashEncoder;

/**
 * A service's log lines: plain text by default, or one JSON object a line (logstash's layout, with
 * {@code service} and, on deployment work, {@code deployment_id} and {@code target}) when {@code
 * SLIPWAY_LOG_FORMAT} (environment variable or system property) is {@code json}.
 */
public class ServiceLogEncoder extends EncoderBase<ILoggingEvent> {
  static final String FORMAT = "SLIPWAY_LOG_FORMAT";
  private String service = "slipway";
  private Encoder<ILoggingEvent> delegate;

  /** The service's name, on every line. */
  public void setService(String service) {
    this.service = service;
  }

  @Override
  public void start() {
    String format = System.getProperty(FORMAT, System.getenv().getOrDefault(FORMAT, "text"));
    switch (format.strip().toLowerCase(Locale.ROOT)) {
      case "json" -> delegate = json();
      case "text", "" -> delegate = text();
      default -> {
        delegate = text();
        addError(FORMAT + " is '" + format + "'; it may be text or json: logging text");
      }
    }
    delegate.start();
    super.start();
  }

  private Encoder<ILoggingEvent> json() {
    LogstashEncoder json = new LogstashEncoder();
    json.setContext(getContext());
    json.setCustomFields("{\"service\":\"" + service.replace("\"", "") + "\"}");
    return json;
  }

  private Encoder<ILoggingEvent> text() {
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(getContext());
    text.setPattern("%d{HH:mm:ss.SSS} %-5level [" + service + "] %logger{20} - %msg%n");
    return text;
  }

  @Override
  public byte[] headerBytes() {
    return delegate.headerBytes();
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    return delegate.encode(event);
  }

  @Override
  public byte[] footerBytes() {
    return delegate.footerBytes();
  }

  @Override
  public void stop() {
    delegate.stop();
    super.stop();
  }
}
