package dev.slipway.health.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictPolicyTest {
  private static final Observation OK = new Observation("http", CheckOutcome.PASSED, "ok", 3);
  private static final Observation REFUSED =
      new Observation("tcp", CheckOutcome.FAILED, "refused", 1);
  private static final Observation UNRESOLVED =
      new Observation("dns", CheckOutcome.ERRORED, "cannot resolve host 'x'", 1);
  private static final List<Observation> PASS = List.of(OK);
  private static final List<Observation> FAIL = List.of(OK, REFUSED);
  private static final List<Observation> ERROR = List.of(OK, UNRESOLVED);

  @Test
  void healthyAfterSuccessThresholdPassingRoundsInARow() {
    VerdictPolicy policy = new VerdictPolicy(2, 3, 3, Duration.ZERO);
    assertThat(policy.afterRound(PASS, secs(1))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(PASS, secs(2))).isEqualTo(VerdictPolicy.Verdict.HEALTHY);
  }

  @Test
  void aFailingRoundResetsTheSuccessStreak() {
    VerdictPolicy policy = new VerdictPolicy(2, 3, 3, Duration.ZERO);
    policy.afterRound(PASS, secs(1));
    assertThat(policy.afterRound(FAIL, secs(2))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(PASS, secs(3))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(PASS, secs(4))).isEqualTo(VerdictPolicy.Verdict.HEALTHY);
  }

  @Test
  void unhealthyAfterFailureThresholdFailingRoundsInARow() {
    VerdictPolicy policy = new VerdictPolicy(1, 3, 3, Duration.ZERO);
    policy.afterRound(FAIL, secs(1));
    policy.afterRound(FAIL, secs(2));
    assertThat(policy.afterRound(FAIL, secs(3))).isEqualTo(VerdictPolicy.Verdict.UNHEALTHY);
    assertThat(policy.consecutiveFailures()).isEqualTo(3);
  }

  @Test
  void failuresDuringTheStartPeriodDoNotCount() {
    VerdictPolicy policy = new VerdictPolicy(1, 2, 3, Duration.ofSeconds(10));
    for (int s = 1; s < 10; s++) {
      assertThat(policy.afterRound(FAIL, secs(s))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    }
    assertThat(policy.afterRound(FAIL, secs(10))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(FAIL, secs(11))).isEqualTo(VerdictPolicy.Verdict.UNHEALTHY);
  }

  @Test
  void aPassDuringTheStartPeriodCounts() {
    VerdictPolicy policy = new VerdictPolicy(1, 2, 3, Duration.ofSeconds(10));
    assertThat(policy.afterRound(PASS, secs(1))).isEqualTo(VerdictPolicy.Verdict.HEALTHY);
  }

  @Test
  void checksThatCannotRunEndAsErroredNeverAsUnhealthy() {
    VerdictPolicy policy = new VerdictPolicy(1, 2, 3, Duration.ZERO);
    assertThat(policy.afterRound(ERROR, secs(1))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(ERROR, secs(2))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(ERROR, secs(3))).isEqualTo(VerdictPolicy.Verdict.ERRORED);
    assertThat(policy.consecutiveErrors()).isEqualTo(3);
    assertThat(policy.consecutiveFailures()).isZero();
  }

  @Test
  void aFailureOutweighsAnErrorInTheSameRoundAndEndsTheErrorStreak() {
    VerdictPolicy policy = new VerdictPolicy(1, 2, 2, Duration.ZERO);
    policy.afterRound(ERROR, secs(1));
    assertThat(policy.afterRound(List.of(UNRESOLVED, REFUSED), secs(2)))
        .isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.consecutiveErrors()).isZero();
    assertThat(policy.afterRound(ERROR, secs(3))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(FAIL, secs(4))).isEqualTo(VerdictPolicy.Verdict.UNHEALTHY);
  }

  @Test
  void aPassingRoundEndsTheErrorStreakAndErrorsInTheStartPeriodDoNotCount() {
    VerdictPolicy policy = new VerdictPolicy(2, 3, 2, Duration.ofSeconds(10));
    for (int s = 1; s < 10; s++) {
      assertThat(policy.afterRound(ERROR, secs(s))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    }
    policy.afterRound(ERROR, secs(10));
    policy.afterRound(PASS, secs(11));
    assertThat(policy.consecutiveErrors()).isZero();
    assertThat(policy.afterRound(ERROR, secs(12))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(ERROR, secs(13))).isEqualTo(VerdictPolicy.Verdict.ERRORED);
  }

  private static Duration secs(int seconds) {
    return Duration.ofSeconds(seconds);
  }
}
