package dev.slipway.orchestrator.deployments;

import dev.slipway.platform.process.ChildEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a command as an argv list (never through a shell) in a clean environment (the allow-list of
 * {@link ChildEnvironment} plus {@code env}), hands every output line to a consumer,
 * and on timeout kills the whole process tree. Processes the command leaves running on success
 * (a service it started) are left alone.
 */
public final class CommandRunner {
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

  private CommandRunner() {}

  /** How a command ended. */
  public record Outcome(boolean succeeded, String summary) {}

  public static Outcome run(
      List<String> argv, Path workdir, Map<String, String> env, Duration timeout, Consumer<String> lines)
      throws InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    if (workdir != null) {
      builder.directory(workdir.toFile());
    }
    ChildEnvironment.apply(builder, env);
    long started = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      return new Outcome(false, "cannot start " + argv.getFirst() + ": " + e.getMessage());
    }
    Thread reader = Thread.ofVirtual().start(() -> forward(process, lines));
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      killTree(process.toHandle());
      process.waitFor(10, TimeUnit.SECONDS);
      reader.join(OUTPUT_DRAIN);
      return new Outcome(false, "timed out after " + timeout + "; process tree killed");
    }
    // A daemon started by the command may keep the output pipe open; do not wait for it forever.
    reader.join(OUTPUT_DRAIN);
    closeQuietly(process);
    long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
    int exit = process.exitValue();
    return exit == 0
        ? new Outcome(true, "exit 0 after " + millis + " ms")
        : new Outcome(false, "exit " + exit + " after " + millis + " ms");
  }

  private static void forward(Process process, Consumer<String> lines) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.accept(line);
      }
    } catch (IOException e) {
      // The stream is closed once the command has ended; the remaining output is gone with it.
    }
  }

  private static void closeQuietly(Process process) {
    try {
      process.getInputStream().close();
    } catch (IOException e) {
      // Closing only unblocks the reader; there is nothing left to save.
    }
  }

  private static void killTree(ProcessHandle root) {
    List<ProcessHandle> descendants = root.descendants().toList();
    root.destroyForcibly();
    descendants.forEach(ProcessHandle::destroyForcibly);
  }
}
