package dev.slipway.health.probes;

import dev.slipway.health.domain.Check;
import dev.slipway.platform.process.CommandRunner;
import dev.slipway.platform.process.StopSignal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * A command check: exit 0 passes, exit 3 has no data (nothing to judge, such as no traffic), any
 * other fails; the last lines of its output are what it saw.
 */
final class CommandProbe {
  /** Lines of output kept as evidence. */
  static final int KEPT_LINES = 5;

  private CommandProbe() {}

  /** The exit status of a check that had nothing to judge. */
  static final int NO_DATA = 3;

  /** Whether it passed or had no data, and the tail of its output with how it ended. */
  record Seen(boolean passed, String what, boolean noData) {
    Seen(boolean passed, String what) {
      this(passed, what, false);
    }
  }

  static Seen check(Check.Command check, Duration timeout)
      throws CouldNotRun, InterruptedException {
    Deque<String> tail = new ArrayDeque<>();
    CommandRunner.Outcome outcome =
        CommandRunner.run(
            check.argv(),
            Path.of(System.getProperty("java.io.tmpdir")),
            Map.of(),
            StopSignal.after(timeout, Clock.systemUTC()),
            session -> {},
            line -> {
              if (tail.size() == KEPT_LINES) {
                tail.removeFirst();
              }
              tail.addLast(line);
            });
    if (!outcome.ran()) {
      throw new CouldNotRun(outcome.summary());
    }
    String output = String.join(" | ", tail);
    return new Seen(
        outcome.succeeded(),
        outcome.summary() + (output.isEmpty() ? "" : ": " + output),
        outcome.exit() == NO_DATA);
  }
}
