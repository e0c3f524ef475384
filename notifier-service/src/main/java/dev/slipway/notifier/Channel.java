package dev.slipway.notifier;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

/**
 * A channel configured on the notifier under {@code slipway.notifier.channels.<name>}: a Standard
 * Webhooks endpoint ({@code type: webhook}, the default) or a Slack incoming webhook ({@code type:
 * slack}).
 */
@EachProperty("slipway.notifier.channels")
public class Channel {
  private final String name;
  private String url = "";
  private String secret = "";
  private String retrySchedule = "";
  private int maxConcurrent = 4;
  private String type = "webhook";

  public Channel(@Parameter String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public String getUrl() {
    return url;
  }

  public void setUrl(String url) {
    this.url = url;
  }

  public String getSecret() {
    return secret;
  }

  public void setSecret(String secret) {
    this.secret = secret;
  }

  /** Waits between attempts, e.g. {@code 5s,5m,30m,2h,5h,10h,10h} (the default). */
  public String getRetrySchedule() {
    return retrySchedule;
  }

  public void setRetrySchedule(String retrySchedule) {
    this.retrySchedule = retrySchedule;
  }

  /** How many webhooks to this channel may be in flight at once. */
  public int getMaxConcurrent() {
    return maxConcurrent;
  }

  public void setMaxConcurrent(int maxConcurrent) {
    this.maxConcurrent = maxConcurrent;
  }

  /** webhook or slack. */
  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public boolean slack() {
    return "slack".equals(type);
  }
}
