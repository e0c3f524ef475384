package dev.slipway.backup.store;

import dev.slipway.platform.process.ChildEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An external program (pg_dump, pg_restore, tar) run as an argv list. Secrets go through the
 * environment, never argv; stderr is drained on its own thread so a chatty tool never blocks.
 */
final class Tool {
  private static final int STDERR_KEPT = 4_000;

  private Tool() {}

  /** Runs the tool; its stdout is handed to {@code stdout} (or discarded); throws on failure. */
  static <T> T run(List<String> argv, Map<String, String> env, StdoutReader<T> stdout) throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(argv);
    ChildEnvironment.apply(builder, env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new ToolMissing(argv.getFirst(), e);
    }
    process.getOutputStream().close();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    Thread drain = Thread.ofVirtual().start(() -> {
      try (InputStream err = process.getErrorStream()) {
        err.transferTo(stderr);
      } catch (IOException ignored) {
        // The process is gone; what it said so far is kept.
      }
    });
    T result;
    try (InputStream out = process.getInputStream()) {
      result = stdout.read(out);
    }
    boolean ended = process.waitFor(6, TimeUnit.HOURS);
    drain.join();
    if (!ended || process.exitValue() != 0) {
      process.destroyForcibly();
      String said = stderr.toString(StandardCharsets.UTF_8).strip();
      if (said.length() > STDERR_KEPT) {
        said = "…" + said.substring(said.length() - STDERR_KEPT);
      }
      throw new IOException(Path.of(argv.getFirst()).getFileName() + " failed"
          + (ended ? " (exit " + process.exitValue() + ")" : " (did not end)") + (said.isEmpty() ? "" : ": " + said));
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
      super(program + " is not installed on the backup-service host (" + cause.getMessage() + ")", cause);
    }
  }
}
