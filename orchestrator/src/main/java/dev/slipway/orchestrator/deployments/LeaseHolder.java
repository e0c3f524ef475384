package dev.slipway.orchestrator.deployments;

import dev.slipway.platform.process.ProcessGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The orchestrator process that holds a runner lease: its host (and boot), and the process itself
 * (its PID namespace, PID and start time). A successor on the same host can tell at once that the
 * holder died, instead of waiting for its lease to run out; a holder elsewhere it cannot see, and
 * leaves to the lease.
 */
record LeaseHolder(String host, String process) {
  private static final String PID_NAMESPACE = pidNamespace();
  static final LeaseHolder SELF =
      new LeaseHolder(ProcessGroup.host(), identity(ProcessHandle.current()).orElse("unknown"));

  /** Whether this host sees that the holder's process is gone: never for another host's. */
  boolean goneFromThisHost() {
    if (!host.equals(SELF.host) || !namespace(process).equals(namespace(SELF.process))) {
      return false;
    }
    String[] parts = process.split("/");
    if (parts.length != 3) {
      return false;
    }
    // A PID reused by another process has another start time: the holder is gone then too.
    return ProcessHandle.of(Long.parseLong(parts[1]))
        .flatMap(LeaseHolder::identity)
        .map(found -> !found.equals(process))
        .orElse(true);
  }

  private static String namespace(String process) {
    int slash = process.indexOf('/');
    return slash < 0 ? process : process.substring(0, slash);
  }

  /** {@code pid:[namespace]/pid/start}; empty when the start time cannot be read. */
  private static Optional<String> identity(ProcessHandle process) {
    return process
        .info()
        .startInstant()
        .map(start -> PID_NAMESPACE + "/" + process.pid() + "/" + start.toEpochMilli());
  }

  private static String pidNamespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "pid:unknown";
    }
  }
}
