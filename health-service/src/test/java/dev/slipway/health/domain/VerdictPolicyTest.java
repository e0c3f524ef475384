package dev.slipway.health.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictPolicyTest {
  private static final List<Observation> PASS = List.of(new Observation("http", true, "ok", 3));
  private static final List<Observation> FAIL =
      List.of(new Observation("http", true, "ok", 3), new Observation("tcp", false, "refused", 1));

  @Test
  void healthyAfterSuccessThresholdPassingRoundsInARow() {
    VerdictPolicy policy = new VerdictPolicy(2, 3, Duration.ZERO);
    assertThat(policy.afterRound(PASS, secs(1))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(PASS, secs(2))).isEqualTo(VerdictPolicy.Verdict.HEALTHY);
  }

  @Test
  void aFailingRoundResetsTheSuccessStreak() {
    VerdictPolicy policy = new VerdictPolicy(2, 3, Duration.ZERO);
    policy.afterRound(PASS, secs(1));
    assertThat(policy.afterRound(FAIL, secs(2))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(PASS, secs(3))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(PASS, secs(4))).isEqualTo(VerdictPolicy.Verdict.HEALTHY);
  }

  @Test
  void unhealthyAfterFailureThresholdFailingRoundsInARow() {
    VerdictPolicy policy = new VerdictPolicy(1, 3, Duration.ZERO);
    policy.afterRound(FAIL, secs(1));
    policy.afterRound(FAIL, secs(2));
    assertThat(policy.afterRound(FAIL, secs(3))).isEqualTo(VerdictPolicy.Verdict.UNHEALTHY);
    assertThat(policy.consecutiveFailures()).isEqualTo(3);
  }

  @Test
  void failuresDuringTheStartPeriodDoNotCount() {
    VerdictPolicy policy = new VerdictPolicy(1, 2, Duration.ofSeconds(10));
    for (int s = 1; s < 10; s++) {
      assertThat(policy.afterRound(FAIL, secs(s))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    }
    assertThat(policy.afterRound(FAIL, secs(10))).isEqualTo(VerdictPolicy.Verdict.PENDING);
    assertThat(policy.afterRound(FAIL, secs(11))).isEqualTo(VerdictPolicy.Verdict.UNHEALTHY);
  }

  @Test
  void aPassDuringTheStartPeriodCounts() {
    VerdictPolicy policy = new VerdictPolicy(1, 2, Duration.ofSeconds(10));
    assertThat(policy.afterRound(PASS, secs(1))).isEqualTo(VerdictPolicy.Verdict.HEALTHY);
  }

  private static Duration secs(int seconds) {
    return Duration.ofSeconds(seconds);
  }
}
