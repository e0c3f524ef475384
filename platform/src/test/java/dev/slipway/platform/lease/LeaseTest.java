package dev.slipway.platform.lease;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slipway.platform.process.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
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
    StopSignal stop = StopSignal.after(Duration.ofMinutes(1), CLOCK);
    var expiry = CLOCK.instant().plus(LENGTH);
    try (Lease lease =
        Lease.hold(
            "job",
            expiry,
            LENGTH,
            CLOCK,
            until -> {
              throw new IllegalStateException("database away");
            },
            stop)) {
      await().atMost(Duration.ofSeconds(2)).until(stop::stopped);
      assertThat(CLOCK.instant()).isBefore(expiry);
      assertThat(stop.leaseLost()).isTrue();
    }
  }

  @Test
  void aRenewalThatHangsStillStopsTheWorkInTime() {
    StopSignal stop = StopSignal.after(Duration.ofMinutes(1), CLOCK);
    var expiry = CLOCK.instant().plus(LENGTH);
    try (Lease lease =
        Lease.hold(
            "job",
            expiry,
            LENGTH,
            CLOCK,
            until -> {
              try {
                new java.util.concurrent.CountDownLatch(1)
                    .await(); // a connection that never answers, until close
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return true;
            },
            stop)) {
      await().atMost(Duration.ofSeconds(2)).until(stop::stopped);
      assertThat(CLOCK.instant()).isBefore(expiry);
    }
  }
}
