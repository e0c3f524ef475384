package dev.slipway.platform.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One external program (a deploy command, pg_dump, tar) started as an argv list in a clean
 * environment, in a session of its own, and stopped as a whole (SIGTERM, a grace period, SIGKILL to
 * every process of the session) when its {@link StopSignal} fires.
 *
 * <p>A small {@code sh} supervisor, the session's leader, starts the program and watches a pipe
 * from this JVM: when the JVM dies, however abruptly, the pipe closes and the supervisor stops the
 * whole session, so a crashed runner never leaves its command running beside the next attempt. The
 * supervisor itself ignores SIGTERM (set after the program started, so the program does not inherit
 * it): it outlives a stop to report how the program ended, and only SIGKILL ends it early.
 */
public final class ChildProcess {
  /** How long a stopped session gets between SIGTERM and SIGKILL. */
  public static final Duration GRACE = Duration.ofSeconds(10);

  private static final Optional<Path> SETSID =
      ProcessGroup.supported() ? findOnPath("setsid") : Optional.empty();
  private static final String SUPERVISOR =
      """
      exec 3<&0
      "$@" 3<&- </dev/null &
      child=$!
      ( trap '' TERM; while read -r _ <&3; do :; done; kill -TERM 0
        i=0; while [ $i -lt %d ] && kill -0 "$child" 2>/dev/null; do sleep 0.1; i=$((i+1)); done
        kill -KILL 0 ) </dev/null >/dev/null 2>&1 &
      watcher=$!
      exec 3<&-
      trap '' TERM
      wait "$child"
      status=$?
      kill -KILL "$watcher" 2>/dev/null
      exit "$status"
      """
          .formatted(GRACE.toSeconds() * 10);

  private final Process process;
  private final String program;
  private final StopSignal stop;
  private final AtomicReference<String> stoppedBecause = new AtomicReference<>();
  private final Thread guard;

  private ChildProcess(Process process, String program, StopSignal stop) {
    this.process = process;
    this.program = program;
    this.stop = stop;
    this.guard = Thread.ofVirtual().name("guard-" + process.pid()).start(this::guard);
  }

  /**
   * Starts {@code argv}; with {@code mergeErrors} its stderr joins stdout.
   *
   * @throws IOException when the program cannot be started (named in the message)
   */
  public static ChildProcess start(
      List<String> argv,
      Path workdir,
      Map<String, String> env,
      boolean mergeErrors,
      StopSignal stop)
      throws IOException {
    List<String> command = new ArrayList<>();
    SETSID.ifPresent(
        setsid ->
            command.addAll(List.of(setsid.toString(), "sh", "-c", SUPERVISOR, "slipway-child")));
    command.addAll(argv);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(mergeErrors);
    if (workdir != null) {
      builder.directory(workdir.toFile());
    }
    ChildEnvironment.apply(builder, env);
    if (SETSID.isPresent()
        && !Files.isExecutable(resolve(argv.getFirst(), workdir, builder.environment()))) {
      // The supervisor would start anyway and only its shell would say so; say it here instead.
      throw new IOException("cannot run " + argv.getFirst() + ": not found or not executable");
    }
    try {
      return new ChildProcess(builder.start(), argv.getFirst(), stop);
    } catch (IOException e) {
      throw new IOException("cannot run " + argv.getFirst() + ": " + e.getMessage(), e);
    }
  }

  /** The session's id (its leader's pid): what a successor kills if this one is still alive. */
  public long session() {
    return process.pid();
  }

  public InputStream stdout() {
    return process.getInputStream();
  }

  public InputStream stderr() {
    return process.getErrorStream();
  }

  /** Waits for the program to end; a stopped program ends with its session gone. */
  public Ending await() throws InterruptedException {
    int exit = process.waitFor();
    guard.join();
    return new Ending(exit, Optional.ofNullable(stoppedBecause.get()));
  }

  /** Stops the whole session now, for {@code reason}, unless it already ended. */
  public void stop(String reason) throws InterruptedException {
    // A program that ended on its own is not stopped: what it left running (a service) stays.
    if (!process.isAlive() || !stoppedBecause.compareAndSet(null, reason)) {
      return;
    }
    if (SETSID.isPresent()) {
      ProcessGroup.terminate(process.pid(), stop.grace(GRACE));
    } else {
      List<ProcessHandle> tree = process.descendants().toList();
      process.destroyForcibly();
      tree.forEach(ProcessHandle::destroyForcibly);
    }
    process.waitFor(5, TimeUnit.SECONDS);
  }

  private void guard() {
    try {
      while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
        Optional<String> reason = stop.reason();
        if (reason.isPresent()) {
          stop(reason.get());
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How a program ended: its exit status, and why Slipway stopped it if it did. */
  public record Ending(int exit, Optional<String> stoppedBecause) {
    public boolean succeeded() {
      return exit == 0 && stoppedBecause.isEmpty();
    }
  }

  public String program() {
    return program;
  }

  private static Path resolve(String program, Path workdir, Map<String, String> env) {
    if (program.contains("/")) {
      Path path = Path.of(program);
      return path.isAbsolute() || workdir == null ? path : workdir.resolve(path);
    }
    return findIn(env.getOrDefault("PATH", ""), program).orElse(Path.of(program));
  }

  private static Optional<Path> findOnPath(String program) {
    return findIn(System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), program);
  }

  private static Optional<Path> findIn(String path, String program) {
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
