package dev.slipway.bench;

import dev.slipway.devstack.Service;
import dev.slipway.devstack.Stack;
import java.nio.file.Files;
import java.nio.file.Path;

/** Each service's resident memory while idle, and how long it takes from start to serving. */
final class ServiceFootprint {
  private ServiceFootprint() {}

  static void measure(Stack stack, Report report) throws Exception {
    for (Service service : Service.values()) {
      long pid = stack.process(service).orElseThrow().pid();
      report.add(
          service.module(), "resident memory, idle", residentMegabytes(pid), "MB", 200, true);
    }
    for (Service service : Service.values()) {
      stack.stop(service);
      long started = System.nanoTime();
      stack.restart(service);
      report.add(
          service.module(), "start → serving", (System.nanoTime() - started) / 1e9, "s", 1.0, true);
    }
  }

  /** VmRSS from /proc: what the kernel counts as the JVM's resident set. */
  private static double residentMegabytes(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    }
    throw new IllegalStateException("no VmRSS for process " + pid);
  }
}
