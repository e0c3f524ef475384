package dev.slipway.notifier;

import dev.slipway.platform.ServiceMain;

/** The notifier-service: signed webhook deliveries with retries, dedupe and delivery records. */
public final class NotifierApplication {
  private NotifierApplication() {}

  public static void main(String[] args) {
    ServiceMain.run(NotifierApplication.class, args);
  }
}
