package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Phase;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.CrudRepository;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/** The {@code step_logs} table: output of local steps, a row a line. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface StepLogs extends CrudRepository<StepLogRow, StepLogRow.Key> {
  int MAX_LINES = 10_000;
  int MAX_LINE = 4_000;

  /** Stores lines numbered from {@code firstLineNo}, each cut to {@link #MAX_LINE} characters. */
  default void append(
      UUID deploymentId,
      Phase phase,
      int step,
      int attempt,
      int firstLineNo,
      List<String> lines,
      Instant now) {
    saveAll(
        IntStream.range(0, lines.size())
            .mapToObj(
                i ->
                    new StepLogRow(
                        new StepLogRow.Key(deploymentId, phase, step, attempt, firstLineNo + i),
                        cut(lines.get(i)),
                        now))
            .toList());
  }

  private static String cut(String line) {
    return line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line;
  }

  /** One stored line of output. */
  @Introspected
  record Line(int lineNo, String text) {}

  /** The last {@code count} lines of a phase attempt, oldest first. */
  @Query(
      """
      select line_no, text from (select line_no, line as text from step_logs
        where deployment_id = :deploymentId and phase = :phase and step = :step and attempt = :attempt
        order by line_no desc limit :count) t
      order by line_no""")
  List<Line> tail(UUID deploymentId, Phase phase, int step, int attempt, int count);

  /** How many lines a phase attempt's output has. */
  @Query(
      """
      select count(*) from step_logs
      where deployment_id = :deploymentId and phase = :phase and step = :step and attempt = :attempt""")
  long count(UUID deploymentId, Phase phase, int step, int attempt);

  /** Up to {@code limit} lines after line {@code afterLine}. */
  @Query(
      """
      select line_no, line as text from step_logs
      where deployment_id = :deploymentId and phase = :phase and step = :step and attempt = :attempt and line_no > :afterLine
      order by line_no limit :limit""")
  List<Line> page(UUID deploymentId, Phase phase, int step, int attempt, int afterLine, int limit);
}
