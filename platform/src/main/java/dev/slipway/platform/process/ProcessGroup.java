package dev.slipway.platform.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The processes of one session (Linux {@code /proc}), signalled together: a child that double-forks
 * stays in its session and is caught with the rest. Each child runs in a session of its own, so the
 * session id is the leader's pid.
 */
public final class ProcessGroup {
  private static final Path PROC = Path.of("/proc");

  private ProcessGroup() {}

  /**
   * This host and its current boot: a session id recorded under another is not this host's to kill.
   */
  public static String host() {
    try {
      return Files.readString(PROC.resolve("sys/kernel/hostname")).strip()
          + "/"
          + Files.readString(PROC.resolve("sys/kernel/random/boot_id")).strip();
    } catch (IOException | RuntimeException e) {
      return ProcessHandle.current().info().user().orElse("unknown")
          + "@"
          + System.getenv().getOrDefault("HOSTNAME", "?");
    }
  }

  /**
   * Whether this host can tell a process's session ({@code /proc}); elsewhere only trees are
   * killed.
   */
  public static boolean supported() {
    return Files.isReadable(PROC.resolve("self/stat"));
  }

  /** The live processes of session {@code sid} (zombies excluded: they are already dead). */
  public static List<ProcessHandle> members(long sid) {
    List<ProcessHandle> members = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path entry : entries) {
        session(entry)
            .filter(s -> s == sid)
            .flatMap(s -> ProcessHandle.of(Long.parseLong(entry.getFileName().toString())))
            .ifPresent(members::add);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + PROC + ": " + e.getMessage(), e);
    }
    return members;
  }

  /** Whether any process of session {@code sid} is alive. */
  public static boolean alive(long sid) {
    return !members(sid).isEmpty();
  }

  /**
   * SIGTERM to every process of the session, SIGKILL to those left after {@code grace}, and waits
   * until none is left (at most a few seconds more). Returns whether the session is gone.
   */
  public static boolean terminate(long sid, Duration grace) throws InterruptedException {
    members(sid).forEach(ProcessHandle::destroy);
    long until = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < until && alive(sid)) {
      Thread.sleep(50);
    }
    // Repeated, because a member may fork between one listing and the next.
    long killUntil = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    List<ProcessHandle> left = members(sid);
    while (!left.isEmpty() && System.nanoTime() < killUntil) {
      left.forEach(ProcessHandle::destroyForcibly);
      Thread.sleep(20);
      left = members(sid);
    }
    return left.isEmpty();
  }

  /**
   * Field 6 of {@code /proc/PID/stat} (after the command name, which may hold spaces), unless a
   * zombie.
   */
  private static Optional<Long> session(Path entry) {
    try {
      String stat = Files.readString(entry.resolve("stat"), StandardCharsets.US_ASCII);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return "Z".equals(fields[0]) ? Optional.empty() : Optional.of(Long.parseLong(fields[3]));
    } catch (IOException | RuntimeException gone) {
      return Optional.empty();
    }
  }
}
