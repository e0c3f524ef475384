package dev.slipway.orchestrator.gates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.orchestrator.domain.Freeze;
import dev.slipway.orchestrator.errors.InvalidInput;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Windows evaluated at exact instants around midnight and both clock changes of a zone. */
class FreezeCalendarTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static FreezeWindow recurring(String cron, Duration duration) {
    return FreezeWindow.recurring(
        "production", "nightly", "batch jobs", Cron.parse(cron), duration, BERLIN);
  }

  private static Optional<Instant> until(FreezeWindow window, String instant) {
    return FreezeCalendar.inForce(List.of(window), Instant.parse(instant)).map(Freeze::until);
  }

  @Test
  void aNightlyWindowSpansMidnightInItsZone() {
    FreezeWindow nightly = recurring("0 22 * * *", Duration.ofHours(8));
    // 22:00-06:00 Berlin in winter is 21:00-05:00 UTC.
    assertThat(until(nightly, "2026-12-01T20:59:59Z")).isEmpty();
    assertThat(until(nightly, "2026-12-01T21:00:00Z"))
        .contains(Instant.parse("2026-12-02T05:00:00Z"));
    assertThat(until(nightly, "2026-12-02T04:59:59Z"))
        .contains(Instant.parse("2026-12-02T05:00:00Z"));
    assertThat(until(nightly, "2026-12-02T05:00:00Z")).isEmpty();
  }

  @Test
  void aStartInTheSpringForwardGapHappensWhenTheClockResumes() {
    // On 2027-03-28 Berlin's clocks go from 02:00 CET to 03:00 CEST: 02:30 does not exist, and
    // java.time resolves it to 03:30 CEST (01:30 UTC).
    FreezeWindow window = recurring("30 2 * * *", Duration.ofHours(1));
    assertThat(until(window, "2027-03-28T01:29:59Z")).isEmpty();
    assertThat(until(window, "2027-03-28T01:30:00Z"))
        .contains(Instant.parse("2027-03-28T02:30:00Z"));
    // The day before, 02:30 CET is 01:30 UTC as well, and the day after 02:30 CEST is 00:30 UTC.
    assertThat(until(window, "2027-03-27T01:45:00Z"))
        .contains(Instant.parse("2027-03-27T02:30:00Z"));
    assertThat(until(window, "2027-03-29T00:45:00Z"))
        .contains(Instant.parse("2027-03-29T01:30:00Z"));
  }

  @Test
  void aWindowOverTheSpringForwardGapLastsItsElapsedDuration() {
    // 01:00 CET (00:00 UTC) for two hours ends at 02:00 UTC, which the clocks show as 04:00 CEST.
    FreezeWindow window = recurring("0 1 28 3 *", Duration.ofHours(2));
    assertThat(until(window, "2027-03-28T01:59:59Z"))
        .contains(Instant.parse("2027-03-28T02:00:00Z"));
    assertThat(until(window, "2027-03-28T02:00:00Z")).isEmpty();
  }

  @Test
  void aStartInTheRepeatedAutumnHourHappensOnceAtItsFirstOccurrence() {
    // On 2026-10-25 Berlin's clocks go from 03:00 CEST back to 02:00 CET: 02:30 comes twice, at
    // 00:30 and 01:30 UTC. The window starts at the first and does not start again at the second.
    FreezeWindow window = recurring("30 2 * * *", Duration.ofHours(1));
    assertThat(until(window, "2026-10-25T00:29:59Z")).isEmpty();
    assertThat(until(window, "2026-10-25T00:30:00Z"))
        .contains(Instant.parse("2026-10-25T01:30:00Z"));
    assertThat(until(window, "2026-10-25T01:15:00Z"))
        .contains(Instant.parse("2026-10-25T01:30:00Z"));
    assertThat(until(window, "2026-10-25T01:30:00Z")).isEmpty();
    assertThat(until(window, "2026-10-25T02:00:00Z")).isEmpty();
  }

  @Test
  void aWeekendFreezeHoldsFromFridayEveningToMonday() {
    FreezeWindow weekend = recurring("0 18 * * FRI", Duration.ofHours(60));
    // Friday 2026-12-04 18:00 CET is 17:00 UTC; 60 hours later is Monday 06:00 CET.
    Instant monday = Instant.parse("2026-12-07T05:00:00Z");
    assertThat(until(weekend, "2026-12-04T16:59:00Z")).isEmpty();
    assertThat(until(weekend, "2026-12-05T12:00:00Z")).contains(monday);
    assertThat(until(weekend, "2026-12-07T04:59:59Z")).contains(monday);
    assertThat(until(weekend, "2026-12-07T05:00:00Z")).isEmpty();
  }

  @Test
  void backToBackWindowsAreOneFreezeUntilTheLastEnds() {
    FreezeWindow first =
        FreezeWindow.oneOff(
            "production",
            "launch",
            "launch day",
            Instant.parse("2026-12-10T08:00:00Z"),
            Instant.parse("2026-12-10T12:00:00Z"));
    FreezeWindow second =
        FreezeWindow.oneOff(
            "production",
            "audit",
            "auditors on site",
            Instant.parse("2026-12-10T11:00:00Z"),
            Instant.parse("2026-12-10T18:00:00Z"));
    Optional<Freeze> freeze =
        FreezeCalendar.inForce(List.of(first, second), Instant.parse("2026-12-10T09:00:00Z"));
    assertThat(freeze)
        .contains(new Freeze("launch", "launch day", Instant.parse("2026-12-10T18:00:00Z")));
    assertThat(
            FreezeCalendar.inForce(List.of(first, second), Instant.parse("2026-12-10T18:00:00Z")))
        .isEmpty();
  }

  @Test
  void hourlyWindowsAllDayAreOneFreezeUntilTheLastHourEnds() {
    FreezeWindow hourly = recurring("0 * 1 12 *", Duration.ofHours(1));
    // Every hour of 1 December in Berlin: from 00:30 local it holds until 2 December 00:00 local.
    assertThat(until(hourly, "2026-11-30T23:30:00Z"))
        .contains(Instant.parse("2026-12-01T23:00:00Z"));
  }

  @Test
  void cronMistakesNameTheirField() {
    assertThatThrownBy(() -> Cron.parse("61 * * * *"))
        .hasMessage("minute '61' is out of range (0-59)");
    assertThatThrownBy(() -> Cron.parse("0 18 * * FRIDAY"))
        .hasMessage("day-of-week 'FRIDAY' is not a number or name (0-7)");
    assertThatThrownBy(() -> Cron.parse("0 18 * *")).hasMessageContaining("must have five fields");
    assertThat(Cron.parse("0 9-17/4 * * MON-FRI").times()).hasSize(3);
  }

  @Test
  void aDefinitionIsRefusedWithEveryFieldAtFaultNamed() {
    Freezes.Definition bad =
        new Freezes.Definition(
            "production", "Nightly", "", "0 25 * * *", "0s", "Mars/Olympus", null, null);
    assertThatThrownBy(() -> Freezes.validate(bad, Instant.parse("2026-12-01T00:00:00Z")))
        .isInstanceOfSatisfying(
            InvalidInput.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidInput.Violation::field)
                    .containsExactly("name", "reason", "cron", "duration", "zone"));
  }
}
