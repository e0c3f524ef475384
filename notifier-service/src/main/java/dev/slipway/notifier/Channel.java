package dev.slipway.notifier;

import io.micronaut.context.annotation.EachProperty;
import io.micronaut.context.annotation.Parameter;

/** A webhook channel configured on the notifier under {@code slipway.notifier.channels.<name>}. */
@EachProperty("slipway.notifier.channels")
public class Channel {
  private final String name;
  private String url = "";
  private String secret = "";

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
}
