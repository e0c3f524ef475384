package dev.slipway.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private final RetryPolicy policy = new RetryPolicy(RetryPolicy.DEFAULT_SCHEDULE);

  private RetryPolicy.Verdict after(int attempt, Integer status, String retryAfter) {
    return policy.after(attempt, Optional.ofNullable(status), Optional.ofNullable(retryAfter), NOW);
  }

  @Test
  void theDefaultScheduleOutlastsAnOrdinaryOutage() {
    Duration total = RetryPolicy.DEFAULT_SCHEDULE.stream().reduce(Duration.ZERO, Duration::plus);
    assertThat(total).isGreaterThan(Duration.ofHours(24));
    assertThat(after(1, 503, null)).isEqualTo(new RetryPolicy.RetryAt(NOW.plusSeconds(5)));
    assertThat(after(3, null, null))
        .isEqualTo(new RetryPolicy.RetryAt(NOW.plus(Duration.ofMinutes(30))));
    assertThat(after(7, 503, null)).isInstanceOf(RetryPolicy.RetryAt.class);
    assertThat(after(8, 503, null))
        .isEqualTo(new RetryPolicy.Exhausted("no answer that delivered it after 8 attempts"));
  }

  @Test
  void successDelivers() {
    assertThat(after(1, 204, null)).isInstanceOf(RetryPolicy.Delivered.class);
  }

  @Test
  void clientErrorsAreNotRetriedExceptTimeoutAndTooManyRequests() {
    assertThat(after(1, 400, null))
        .isEqualTo(
            new RetryPolicy.GiveUp("HTTP 400 is not retried: the receiver refused this message"));
    assertThat(after(1, 404, null)).isInstanceOf(RetryPolicy.GiveUp.class);
    assertThat(after(1, 408, null)).isInstanceOf(RetryPolicy.RetryAt.class);
    assertThat(after(1, 429, null)).isInstanceOf(RetryPolicy.RetryAt.class);
  }

  @Test
  void goneDisablesTheEndpoint() {
    assertThat(after(1, 410, null))
        .isEqualTo(new RetryPolicy.DisableEndpoint("the receiver answered 410 Gone"));
  }

  @Test
  void retryAfterInSecondsOrAsADateIsHonouredWhenLongerAndCappedAtADay() {
    assertThat(after(1, 429, "120")).isEqualTo(new RetryPolicy.RetryAt(NOW.plusSeconds(120)));
    assertThat(after(1, 503, "Sun, 22 Nov 2026 11:00:00 GMT"))
        .isEqualTo(new RetryPolicy.RetryAt(NOW.plusSeconds(3600)));
    assertThat(after(2, 503, "1"))
        .as("shorter than the schedule: the schedule wins")
        .isEqualTo(new RetryPolicy.RetryAt(NOW.plus(Duration.ofMinutes(5))));
    assertThat(after(1, 503, "9999999"))
        .isEqualTo(new RetryPolicy.RetryAt(NOW.plus(Duration.ofDays(1))));
    assertThat(after(1, 503, "soon")).isEqualTo(new RetryPolicy.RetryAt(NOW.plusSeconds(5)));
  }

  @Test
  void aScheduleIsConfigurablePerChannel() {
    assertThat(RetryPolicy.parse("1s, 2m,3h,1d").schedule())
        .containsExactly(
            Duration.ofSeconds(1), Duration.ofMinutes(2), Duration.ofHours(3), Duration.ofDays(1));
    assertThat(RetryPolicy.parse("").schedule()).isEqualTo(RetryPolicy.DEFAULT_SCHEDULE);
    assertThatThrownBy(() -> RetryPolicy.parse("5 minutes")).hasMessageContaining("'5 minutes'");
    assertThat(List.of(RetryPolicy.parse("1s").after(2, Optional.of(500), Optional.empty(), NOW)))
        .first()
        .isInstanceOf(RetryPolicy.Exhausted.class);
  }
}
