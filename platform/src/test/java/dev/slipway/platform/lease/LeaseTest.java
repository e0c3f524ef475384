package dev.slipway.platform.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.platform.process.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeaseTest {
  private static final Clock CLOCK = Clock.systemUTC();
  private static final Duration LENGTH = Duration.ofMillis(600);

  @Test
  void aRenewedLeaseLetsTheWorkGoOn() throws Exception {
    StopSignal stop = StopSignal.after(Duration.ofMinutes(1), CLOCK);
    AtomicInteger renewals = new AtomicInteger();
    try (Lease lease =
        Lease.hold(
            "job",
            CLOCK.instant().plus(LENGTH),
            LENGTH,
            CLOCK,
            until -> {
              renewals.incrementAndGet();
              return true;
            },
            stop)) {
      await()
          .during(LENGTH.multipliedBy(3))
          .atMost(LENGTH.multipliedBy(5))
          .until(() -> !stop.stopped());
      assertThat(renewals.get()).isGreaterThanOrEqualTo(6);
    }
  }

  @Test
  void aLeaseTakenOverStopsTheWorkAtOnce() {
    StopSignal stop = StopSignal.after(Duration.ofMinutes(1), CLOCK);
    try (Lease lease =
        Lease.hold(
            "job",
            CLOCK.instant().plus(Duration.ofMinutes(1)),
            LENGTH,
            CLOCK,
            until -> false,
            stop)) {
      await().atMost(Duration.ofSeconds(2)).until(stop::stopped);
      assertThat(stop.leaseLost()).isTrue();
      assertThat(stop.reason())
          .hasValueSatisfying(r -> assertThat(r).contains("no longer this runner's"));
    }
  }

  @Test
  void renewalsThatKeepFailingStopTheWorkBeforeTheLeaseExpires() {
    // Time the test moves: the signal's decision is checked at exact instants, not as observed.
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    AtomicReference<Instant> now = new AtomicReference<>(start);
    Clock clock = clockAt(now);
    StopSignal stop = StopSignal.after(Duration.ofMinutes(1), clock);
    Instant expiry = start.plus(LENGTH);
    try (Lease lease =
        Lease.hold(
            "job",
            expiry,
            LENGTH,
            clock,
            until -> {
              throw new IllegalStateException("database away");
            },
            stop)) {
      now.set(expiry.minus(LENGTH.dividedBy(3)).minusMillis(1));
      assertThat(stop.stopped()).as("more than a third of the lease left").isFalse();
      now.set(expiry.minus(LENGTH.dividedBy(3)));
      assertThat(stop.stopped()).as("a third left, still before the expiry").isTrue();
      assertThat(now.get()).isBefore(expiry);
      assertThat(stop.leaseLost()).isTrue();
      assertThat(stop.reason())
          .hasValueSatisfying(r -> assertThat(r).contains("held until " + expiry));
    }
  }

  @Test
  void aRenewalThatHangsStillStopsTheWorkInTime() {
    Instant start = Instant.parse("2026-12-01T10:00:00Z");
    AtomicReference<Instant> now = new AtomicReference<>(start);
    Clock clock = clockAt(now);
    StopSignal stop = StopSignal.after(Duration.ofMinutes(1), clock);
    Instant expiry = start.plus(LENGTH);
    CountDownLatch renewing = new CountDownLatch(1);
    try (Lease lease =
        Lease.hold(
            "job",
            expiry,
            LENGTH,
            clock,
            until -> {
              renewing.countDown();
              try {
                new CountDownLatch(1).await(); // a connection that never answers, until close
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return true;
            },
            stop)) {
      await().atMost(Duration.ofSeconds(2)).until(() -> renewing.getCount() == 0);
      now.set(expiry.minus(LENGTH.dividedBy(3)));
      assertThat(stop.stopped()).as("stopped while the renewal hangs, before the expiry").isTrue();
      assertThat(stop.leaseLost()).isTrue();
    }
  }

  /** Time that moves only when the test says, so a decision is checked at an exact instant. */
  private static Clock clockAt(AtomicReference<Instant> now) {
    return new Clock() {
      @Override
      public Instant instant() {
        return now.get();
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };
  }
}
