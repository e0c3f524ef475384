package dev.slipway.platform.process;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Runs a command (a deploy or revert command, a command check) as a {@link ChildProcess} with its
 * output, stdout and stderr together, handed over as lines of at most {@link #MAX_LINE} characters.
 * Processes the command leaves running on success (a service it started) are left alone.
 */
public final class CommandRunner {
  public static final int MAX_LINE = 4_000;
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

  private CommandRunner() {}

  /**
   * How a command ended.
   *
   * @param ran false when it never started (a missing program, a secret it needs is gone): then it
   *     changed nothing, and its failure says nothing about the release
   * @param exit its exit status; -1 when it did not end by itself
   */
  public record Outcome(boolean succeeded, boolean ran, boolean stopped, String summary, int exit) {
    public static Outcome couldNotRun(String why) {
      return new Outcome(false, false, false, why, -1);
    }

    /** The same outcome, its summary saying first what it was doing. */
    public Outcome withPrefix(String what) {
      return new Outcome(succeeded, ran, stopped, what + summary, exit);
    }

    /** The same outcome, its summary extended. */
    public Outcome withSummary(String more) {
      return new Outcome(succeeded, ran, stopped, summary + more, exit);
    }
  }

  /**
   * Runs {@code argv} until it ends or {@code stop} fires (then its whole session is stopped).
   *
   * @param started told the session id as soon as the command runs, so it can be recorded
   */
  public static Outcome run(
      List<String> argv,
      Path workdir,
      Map<String, String> env,
      StopSignal stop,
      LongConsumer started,
      Consumer<String> lines)
      throws InterruptedException {
    long begin = System.nanoTime();
    ChildProcess child;
    try {
      child = ChildProcess.start(argv, workdir, env, true, stop);
    } catch (IOException e) {
      return Outcome.couldNotRun(e.getMessage());
    }
    try {
      started.accept(child.session());
    } catch (RuntimeException e) {
      child.stop("cannot record the command's session: " + e.getMessage());
      throw e;
    }
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    OutputLines.forward(child.stdout(), MAX_LINE, lines);
                  } catch (IOException e) {
                    // The stream closes when the command's session is gone; what it printed so far
                    // is kept.
                  }
                });
    ChildProcess.Ending ending = child.await();
    // A service started by the command may hold the output pipe open: wait for the output only
    // briefly.
    reader.join(OUTPUT_DRAIN);
    closeQuietly(child);
    long millis = Duration.ofNanos(System.nanoTime() - begin).toMillis();
    if (ending.stoppedBecause().isPresent()) {
      return new Outcome(
          false,
          true,
          true,
          "stopped after "
              + millis
              + " ms ("
              + ending.stoppedBecause().get()
              + "); its processes were killed",
          -1);
    }
    return new Outcome(
        ending.exit() == 0,
        true,
        false,
        "exit " + ending.exit() + " after " + millis + " ms",
        ending.exit());
  }

  private static void closeQuietly(ChildProcess child) {
    try {
      child.stdout().close();
    } catch (IOException e) {
      // Closing only unblocks the reader; there is nothing left to save.
    }
  }
}
