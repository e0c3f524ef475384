package dev.slipway.notifier;

/** Where a notification to one channel stands in {@code deliveries}. */
public enum DeliveryStatus {
  /** Waiting for its next attempt. */
  PENDING,
  /** The receiver answered 2xx. */
  DELIVERED,
  /** Given up: out of retries, a 4xx, a disabled endpoint or a channel that is not configured. */
  FAILED
}
