package dev.slipway.notifier;

/** Where a notification to one channel stands in {@code deliveries}. */
public enum DeliveryStatus {
  /** Waiting for its next attempt. */
  PENDING,
  /** The receiver answered 2xx. */
  DELIVERED,
  /** Refused for good: a 4xx, a disabled endpoint or a channel that is not configured. */
  FAILED,
  /**
   * Every attempt the channel's schedule allows failed: kept, counted, and sent again by {@code
   * slipway deliveries retry}.
   */
  DEAD
}
