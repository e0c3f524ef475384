package dev.slipway.platform.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: sessions, stops, deadlines, bounded output, and a runner that dies. */
class ChildProcessTest {
  private static final Clock CLOCK = Clock.systemUTC();

  @BeforeAll
  static void linux() {
    assumeTrue(ProcessGroup.supported(), "process sessions need Linux /proc");
  }

  @Test
  void aCancelledCommandIsStoppedWithTheChildrenItDoubleForked(@TempDir Path dir) throws Exception {
    Path orphan = dir.resolve("orphan.pid");
    StopSignal stop = StopSignal.after(Duration.ofMinutes(5), CLOCK);
    ChildProcess child =
        ChildProcess.start(
            List.of("sh", "-c", "( sleep 300 & echo $! > " + orphan + " ); exec sleep 300"),
            dir,
            Map.of(),
            true,
            stop);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.exists(orphan) && !Files.readString(orphan).isBlank());
    long orphanPid = Long.parseLong(Files.readString(orphan).strip());
    assertThat(ProcessHandle.of(orphanPid).flatMap(h -> h.parent()).map(ProcessHandle::pid))
        .as("the orphan left its parent")
        .isNotEqualTo(java.util.Optional.of(child.session()));

    stop.cancel("deployment cancelled");
    ChildProcess.Ending ending = child.await();

    assertThat(ending.stoppedBecause()).contains("deployment cancelled");
    assertThat(ending.succeeded()).isFalse();
    assertThat(ProcessGroup.alive(child.session())).as("nothing of the session is left").isFalse();
    assertThat(dead(orphanPid)).as("the double-forked child is gone too").isTrue();
  }

  @Test
  void aCommandPastItsDeadlineGetsSigtermFirstAndIsStopped(@TempDir Path dir) throws Exception {
    Path said = dir.resolve("said");
    Path ready = dir.resolve("ready");
    StopSignal stop = StopSignal.after(Duration.ofSeconds(3), CLOCK);
    ChildProcess child =
        ChildProcess.start(
            List.of(
                "sh",
                "-c",
                "trap 'echo terminated > "
                    + said
                    + "; exit 1' TERM;"
                    + " touch "
                    + ready
                    + "; while true; do sleep 0.1; done"),
            dir,
            Map.of(),
            true,
            stop);
    await().atMost(Duration.ofSeconds(3)).until(() -> Files.exists(ready));

    ChildProcess.Ending ending = child.await();

    assertThat(ending.stoppedBecause()).contains("timed out after PT3S");
    assertThat(Files.readString(said))
        .as("it was asked to end before it was killed")
        .isEqualTo("terminated\n");
    assertThat(ProcessGroup.alive(child.session())).isFalse();
  }

  @Test
  void aCommandThatIgnoresSigtermIsKilledBeforeItsLeaseExpires(@TempDir Path dir) throws Exception {
    StopSignal stop = StopSignal.after(Duration.ofMinutes(5), CLOCK);
    Instant expiry = Instant.now().plusMillis(1500);
    stop.leaseHeld(expiry.minusMillis(1000), expiry);
    ChildProcess child =
        ChildProcess.start(
            List.of("sh", "-c", "trap '' TERM; while true; do sleep 0.1; done"),
            dir,
            Map.of(),
            true,
            stop);

    ChildProcess.Ending ending = child.await();

    assertThat(Instant.now())
        .as("killed by the lease's expiry, not after the full grace")
        .isBefore(expiry.plusSeconds(2));
    assertThat(ending.stoppedBecause())
        .hasValueSatisfying(reason -> assertThat(reason).contains("lease"));
    assertThat(stop.leaseLost()).isTrue();
    assertThat(ProcessGroup.alive(child.session())).isFalse();
  }

  @Test
  void whatASuccessfulCommandStartedKeepsRunning(@TempDir Path dir) throws Exception {
    Path daemon = dir.resolve("daemon.pid");
    ChildProcess child =
        ChildProcess.start(
            List.of("sh", "-c", "sleep 300 > /dev/null 2>&1 & echo $! > " + daemon),
            dir,
            Map.of(),
            true,
            StopSignal.after(Duration.ofMinutes(1), CLOCK));
    ChildProcess.Ending ending = child.await();
    long pid = Long.parseLong(Files.readString(daemon).strip());
    try {
      assertThat(ending.succeeded()).isTrue();
      await()
          .during(Duration.ofMillis(300))
          .atMost(Duration.ofSeconds(2))
          .until(() -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aMissingProgramIsNamed(@TempDir Path dir) {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                ChildProcess.start(
                    List.of("no-such-program-slipway"),
                    dir,
                    Map.of(),
                    true,
                    StopSignal.after(Duration.ofMinutes(1), CLOCK)))
        .hasMessageContaining("cannot run no-such-program-slipway");
  }

  @Test
  void outputWithoutNewlinesComesInBoundedLines(@TempDir Path dir) throws Exception {
    List<Integer> lengths = new CopyOnWriteArrayList<>();
    CommandRunner.Outcome outcome =
        CommandRunner.run(
            List.of("sh", "-c", "head -c 100000000 /dev/zero | tr '\\0' x; echo; echo done"),
            dir,
            Map.of(),
            StopSignal.after(Duration.ofMinutes(2), CLOCK),
            session -> {},
            line -> lengths.add(line.length()));

    assertThat(outcome.succeeded()).as(outcome.summary()).isTrue();
    assertThat(lengths.stream().mapToLong(Integer::longValue).sum())
        .isEqualTo(100_000_000L + "done".length());
    assertThat(lengths).allMatch(length -> length <= CommandRunner.MAX_LINE);
    assertThat(lengths.getLast()).isEqualTo(4);
  }

  @Test
  void aRunnerThatDiesTakesItsCommandWithIt(@TempDir Path dir) throws Exception {
    Path session = dir.resolve("session");
    Process runner =
        new ProcessBuilder(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                Runner.class.getName(),
                session.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("runner.log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> Files.exists(session) && !Files.readString(session).isBlank());
    long id = Long.parseLong(Files.readString(session).strip());
    assertThat(ProcessGroup.alive(id)).isTrue();

    runner.destroyForcibly();
    runner.waitFor(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(5)).until(() -> !ProcessGroup.alive(id));
  }

  /** Gone, or a zombie its new parent has not reaped yet: either way it runs no more. */
  private static boolean dead(long pid) throws Exception {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return true;
    }
    try {
      String text = Files.readString(stat);
      return text.substring(text.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException gone) {
      return true;
    }
  }

  /** A runner in its own JVM: starts a long command, says its session, and waits to be killed. */
  public static final class Runner {
    public static void main(String[] args) throws Exception {
      ChildProcess child =
          ChildProcess.start(
              List.of("sh", "-c", "sleep 300; sleep 300"),
              null,
              Map.of(),
              true,
              StopSignal.after(Duration.ofMinutes(10), Clock.systemUTC()));
      Path tmp = Path.of(args[0] + ".tmp");
      Files.writeString(tmp, Long.toString(child.session()), StandardCharsets.US_ASCII);
      Files.move(tmp, Path.of(args[0]));
      child.await();
    }
  }
}
