package dev.slipway.backup.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.backup.domain.LossEstimate.TableLoss;
import dev.slipway.backup.domain.LossEstimate.TableStats;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossEstimateTest {
  private static final Instant BACKUP_AT = Instant.parse("2026-12-01T12:03:40Z");

  @Test
  void smallTablesAreComparedByExactCountsAndLargeOnesByTheirTupleCounters() {
    List<TableLoss> losses =
        LossEstimate.of(
            List.of(
                new TableStats("public.entries", 3, true, 10, 0, 7),
                new TableStats("public.events", 2_000_000, false, 5_000_000, 100, 3_000_000),
                new TableStats("public.tags", 5, true, 5, 0, 0),
                new TableStats("public.old", 12, true, 12, 0, 0)),
            List.of(
                new TableStats("public.entries", 40, true, 47, 2, 7),
                new TableStats("public.events", 2_000_900, false, 5_001_200, 130, 3_000_300),
                new TableStats("public.tags", 5, true, 5, 0, 0),
                new TableStats("public.audit", 8, true, 8, 0, 0)));

    assertThat(losses)
        .containsExactly(
            new TableLoss("public.audit", 8, 0, 0, "a table the backup does not have"),
            new TableLoss("public.entries", 37, 0, 2, "exact counts: 40 now, 3 in the backup"),
            new TableLoss("public.events", 1_200, 300, 30, "tuple counters, approximate"),
            new TableLoss("public.old", 0, 12, 0, "a table dropped since the backup"),
            new TableLoss("public.tags", 0, 0, 0, "exact counts: 5 now, 5 in the backup"));
    assertThat(LossEstimate.summary("postgres app@db:5432/journal", BACKUP_AT, losses, "S1"))
        .isEqualTo(
            "restoring postgres app@db:5432/journal: "
                + "in public.audit 8 rows written since 12:03 UTC are discarded (a table the backup"
                + " does not have); "
                + "in public.entries 37 rows written since 12:03 UTC are discarded, 2 row changes are"
                + " undone (exact counts: 40 now, 3 in the backup); "
                + "in public.events 1200 rows written since 12:03 UTC are discarded, 300 rows deleted"
                + " since come back, 30 row changes are undone (tuple counters, approximate); "
                + "in public.old 12 rows deleted since come back (a table dropped since the backup);"
                + " they are kept in snapshot S1 (to put them back: slipway backups restore S1)");
  }

  @Test
  void countersThatWentBackwardsWereResetSoOnlyTheCountsAreCompared() {
    List<TableLoss> losses =
        LossEstimate.of(
            List.of(new TableStats("public.big", 500_000, false, 900, 10, 10)),
            List.of(new TableStats("public.big", 500_250, false, 40, 0, 0)));
    assertThat(losses)
        .containsExactly(
            new TableLoss(
                "public.big",
                250,
                0,
                0,
                "estimated row counts; the statistics were reset since the backup"));
  }

  @Test
  void nothingWrittenSinceIsSaid() {
    List<TableStats> same = List.of(new TableStats("public.entries", 3, true, 3, 0, 0));
    assertThat(LossEstimate.summary("postgres x", BACKUP_AT, LossEstimate.of(same, same), "S"))
        .isEqualTo("restoring postgres x: nothing written since 12:03 UTC is lost");
  }

  @Test
  void rowsWrittenAndDeletedAgainAreSeenByTheCountersThoughTheCountIsTheSame() {
    List<TableLoss> losses =
        LossEstimate.of(
            List.of(new TableStats("public.queue", 10, true, 100, 0, 90)),
            List.of(new TableStats("public.queue", 10, true, 137, 0, 127)));
    assertThat(losses)
        .containsExactly(
            new TableLoss("public.queue", 37, 37, 0, "exact counts: 10 now, 10 in the backup"));
  }

  @Test
  void atMostTwentyTablesAreNamedAndTheRestCounted() {
    List<TableStats> before = new java.util.ArrayList<>();
    List<TableStats> after = new java.util.ArrayList<>();
    for (int i = 0; i < 25; i++) {
      before.add(new TableStats("public.t" + (100 + i), 1, true, 1, 0, 0));
      after.add(new TableStats("public.t" + (100 + i), 2, true, 2, 0, 0));
    }
    String summary = LossEstimate.summary("db", BACKUP_AT, LossEstimate.of(before, after), "S");
    assertThat(summary)
        .contains("public.t119")
        .doesNotContain("public.t120")
        .contains("; and 5 more tables;");
  }
}
