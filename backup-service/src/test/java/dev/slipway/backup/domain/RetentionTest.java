package dev.slipway.backup.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.backup.domain.Retention.Candidate;
import dev.slipway.backup.domain.Retention.Policy;
import dev.slipway.backup.domain.Retention.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RetentionTest {
  private static final Instant NOW = Instant.parse("2026-12-01T02:00:00Z");

  @Test
  void aYearOfNightlyBackupsKeepsTheLastFiveAWeekOfDaysFourWeeksAndThreeMonths() {
    List<Candidate> nightly = nightly(365);
    List<Verdict> verdicts = Retention.decide(nightly, new Policy(5, 7, 4, 3), Map.of());

    assertThat(kept(verdicts))
        .containsExactly(
            "2026-12-01 the newest good backup",
            "2026-11-30 one of the last 5",
            "2026-11-29 one of the last 5",
            "2026-11-28 one of the last 5",
            "2026-11-27 one of the last 5",
            "2026-11-26 the newest of day 2026-11-26",
            "2026-11-25 the newest of day 2026-11-25",
            "2026-11-22 the newest of week 2026-W47",
            "2026-11-15 the newest of week 2026-W46",
            "2026-10-31 the newest of month 2026-10");
    assertThat(verdicts.stream().filter(v -> !v.kept()))
        .hasSize(355)
        .allSatisfy(
            v ->
                assertThat(v.why())
                    .isEqualTo("beyond the policy (last 5, 7 daily, 4 weekly, 3 monthly)"));
  }

  @Test
  void severalBackupsADayKeepTheNewestOfEachDay() {
    List<Candidate> sets = new ArrayList<>();
    for (int day = 0; day < 4; day++) {
      for (int hour = 0; hour < 3; hour++) {
        sets.add(set(NOW.minus(Duration.ofDays(day)).minus(Duration.ofHours(hour * 6L))));
      }
    }
    List<Verdict> verdicts = Retention.decide(sets, new Policy(1, 3, 0, 0), Map.of());
    assertThat(verdicts.stream().filter(Verdict::kept).map(v -> v.set().createdAt().toString()))
        .containsExactly("2026-12-01T02:00:00Z", "2026-11-30T20:00:00Z", "2026-11-29T20:00:00Z");
  }

  @Test
  void keepLastIsTheOldKeepSetting() {
    List<Verdict> verdicts = Retention.decide(nightly(5), Policy.keepLast(3), Map.of());
    assertThat(verdicts).extracting(Verdict::kept).containsExactly(true, true, true, false, false);
  }

  @Test
  void theNewestAndEveryHeldSetStayWhateverThePolicy() {
    List<Candidate> sets = nightly(30);
    UUID quarantined = sets.get(20).deploymentId();
    List<Verdict> verdicts =
        Retention.decide(
            sets,
            new Policy(0, 0, 0, 0),
            Map.of(quarantined, "deployment of 1.4.2 rolled back; 1.4.2 is quarantined"));
    assertThat(kept(verdicts))
        .containsExactly(
            "2026-12-01 the newest good backup",
            "2026-11-11 held: deployment of 1.4.2 rolled back; 1.4.2 is quarantined");
  }

  @Test
  void aSetARestoreIsPuttingBackStaysWhicheverDeploymentTookIt() {
    List<Candidate> sets = nightly(30);
    UUID restoring = sets.get(25).id();
    List<Verdict> verdicts =
        Retention.decide(
            sets, Policy.keepLast(2), Map.of(restoring, "restore r-1 restores it and is RESTORE"));
    assertThat(kept(verdicts))
        .containsExactly(
            "2026-12-01 the newest good backup",
            "2026-11-30 one of the last 2",
            "2026-11-06 held: restore r-1 restores it and is RESTORE");
  }

  @Test
  void nothingToKeepIsNothingToDelete() {
    assertThat(Retention.decide(List.of(), new Policy(5, 7, 4, 3), Map.of())).isEmpty();
  }

  private static List<Candidate> nightly(int days) {
    List<Candidate> sets = new ArrayList<>();
    for (int day = 0; day < days; day++) {
      sets.add(set(NOW.minus(Duration.ofDays(day))));
    }
    return sets;
  }

  private static Candidate set(Instant at) {
    return new Candidate(UUID.randomUUID(), UUID.randomUUID(), at);
  }

  private static List<String> kept(List<Verdict> verdicts) {
    return verdicts.stream()
        .filter(Verdict::kept)
        .map(v -> v.set().createdAt().toString().substring(0, 10) + " " + v.why())
        .toList();
  }
}
