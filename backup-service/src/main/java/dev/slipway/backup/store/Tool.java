package dev.slipway.backup.store;

import dev.slipway.platform.process.ChildProcess;
import dev.slipway.platform.process.OutputTail;
import dev.slipway.platform.process.StopSignal;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An external program (pg_dump, pg_restore, psql, tar) run as a {@link ChildProcess}: secrets go
 * through the environment, never argv; the end of its stderr is kept to say why it failed; it is
 * stopped, with everything it started, when the job's {@link StopSignal} fires.
 */
final class Tool {
  private static final int STDERR_KEPT = 4_000;

  private Tool() {}

  /** Runs the tool; its stdout is handed to {@code stdout}; throws on failure or when stopped. */
  static <T> T run(
      List<String> argv, Map<String, String> env, StopSignal stop, StdoutReader<T> stdout)
      throws IOException, InterruptedException {
    ChildProcess child;
    try {
      child = ChildProcess.start(argv, null, env, false, stop);
    } catch (IOException e) {
      throw new ToolMissing(argv.getFirst(), e);
    }
    OutputTail stderr = new OutputTail(STDERR_KEPT);
    Thread drain =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (InputStream err = child.stderr()) {
                    stderr.drain(err);
                  } catch (IOException ignored) {
                    // The process is gone; what it said so far is kept.
                  }
                });
    T result;
    IOException readFailure = null;
    try (InputStream out = child.stdout()) {
      result = stdout.read(out);
    } catch (IOException e) {
      result = null;
      readFailure = e;
      child.stop("reading its output failed: " + e.getMessage());
    }
    ChildProcess.Ending ending = child.await();
    drain.join();
    String name = Path.of(argv.getFirst()).getFileName().toString();
    if (ending.stoppedBecause().isPresent()) {
      throw new Stopped(name + " was stopped (" + ending.stoppedBecause().get() + ")");
    }
    if (readFailure != null) {
      throw readFailure;
    }
    if (ending.exit() != 0) {
      String said = stderr.text();
      throw new IOException(
          name + " failed (exit " + ending.exit() + ")" + (said.isEmpty() ? "" : ": " + said));
    }
    return result;
  }

  /** Reads a tool's standard output. */
  @FunctionalInterface
  interface StdoutReader<T> {
    T read(InputStream stdout) throws IOException;
  }

  /** The program is not installed where Slipway looks for it. */
  static final class ToolMissing extends IOException {
    ToolMissing(String program, IOException cause) {
      super(
          program + " is not installed on the backup-service host (" + cause.getMessage() + ")",
          cause);
    }
  }

  /** The job's deadline passed or its lease was lost: the tool and its children were killed. */
  public static final class Stopped extends IOException {
    Stopped(String message) {
      super(message);
    }
  }
}
