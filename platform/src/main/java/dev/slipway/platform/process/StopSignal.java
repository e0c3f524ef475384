package dev.slipway.platform.process;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * When work on an external effect must stop: at its deadline, when the lease that lets this process
 * do it runs short ({@link dev.slipway.platform.lease.Lease}), or as soon as its owner cancels it.
 * Whoever runs a child process checks it; the first reason wins.
 */
public final class StopSignal {
  private final Instant deadline;
  private final String deadlineReason;
  private final Clock clock;
  private final AtomicReference<String> cancelled = new AtomicReference<>();
  private volatile Instant leaseBound = Instant.MAX;
  private volatile Instant leaseExpiry = Instant.MAX;
  private volatile boolean leaseLost;
  private volatile boolean handedBack;

  private StopSignal(Instant deadline, String deadlineReason, Clock clock) {
    this.deadline = deadline;
    this.deadlineReason = deadlineReason;
    this.clock = clock;
  }

  public static StopSignal at(Instant deadline, Clock clock) {
    return new StopSignal(deadline, "deadline " + deadline + " passed", clock);
  }

  public static StopSignal after(Duration timeout, Clock clock) {
    return new StopSignal(clock.instant().plus(timeout), "timed out after " + timeout, clock);
  }

  public void cancel(String reason) {
    cancelled.compareAndSet(null, reason);
  }

  /**
   * The lease is held until {@code expiry}; the work must be stopped by then, so it stops at {@code
   * bound}.
   */
  public void leaseHeld(Instant bound, Instant expiry) {
    leaseBound = bound;
    leaseExpiry = expiry;
  }

  /** Someone else holds the lease now. */
  public void leaseTakenOver(String reason) {
    leaseLost = true;
    cancel(reason);
  }

  /**
   * This process is shutting down: the work stops, reports nothing, and its lease goes back for
   * another runner to take at once.
   */
  public void handBack(String reason) {
    handedBack = true;
    leaseTakenOver(reason);
  }

  /** Whether the work was stopped to be handed back; its holder then releases the lease. */
  public boolean handedBack() {
    return handedBack;
  }

  /** Why the work must stop now, or empty while it may go on. */
  public Optional<String> reason() {
    String reason = cancelled.get();
    if (reason != null) {
      return Optional.of(reason);
    }
    Instant now = clock.instant();
    if (!now.isBefore(leaseBound)) {
      leaseLost = true;
      cancel("the lease could not be renewed in time (held until " + leaseExpiry + ")");
      return Optional.ofNullable(cancelled.get());
    }
    return now.isBefore(deadline) ? Optional.empty() : Optional.of(deadlineReason);
  }

  public boolean stopped() {
    return reason().isPresent();
  }

  /** Whether this process may no longer act for the work: its result must not be reported. */
  public boolean leaseLost() {
    reason();
    return leaseLost;
  }

  public Instant deadline() {
    return deadline;
  }

  /**
   * How long a stopped child may take to exit: {@code grace}, but never past the lease's expiry.
   */
  public Duration grace(Duration grace) {
    Instant expiry = leaseExpiry;
    if (expiry.equals(Instant.MAX)) {
      return grace;
    }
    Duration left = Duration.between(clock.instant(), expiry);
    return left.isNegative() ? Duration.ZERO : left.compareTo(grace) < 0 ? left : grace;
  }
}
