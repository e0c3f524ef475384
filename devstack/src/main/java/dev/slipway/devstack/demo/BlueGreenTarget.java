package dev.slipway.devstack.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo's blue-green journal: two slots of the demo app, each its own process and port, behind
 * {@link DemoProxy}; the switch command flips the proxy's {@code live} link. The slots share one
 * database, as the two colours of one application do.
 *
 * @param slots the directory holding each slot's workdir and the {@code live} link
 * @param jdbcUrl its database, with credentials
 */
public record BlueGreenTarget(
    String app,
    String environment,
    Path slots,
    int proxyPort,
    int bluePort,
    int greenPort,
    String jdbcUrl,
    Path devstackHome) {

  public Map<String, Integer> slotPorts() {
    return Map.of("blue", bluePort, "green", greenPort);
  }

  public String spec() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = DemoTarget.classpath(devstackHome);
    List<String> deploy =
        List.of(
            java,
            "-cp",
            classpath,
            DemoControl.class.getName(),
            "deploy",
            "--version",
            "${version}",
            "--slot",
            "${slot}",
            "--port-blue",
            Integer.toString(bluePort),
            "--port-green",
            Integer.toString(greenPort),
            "--db",
            jdbcUrl,
            "--workdir",
            slots.resolve("${slot}").toString());
    List<String> switchTo =
        List.of(
            java,
            "-cp",
            classpath,
            DemoControl.class.getName(),
            "switch",
            "--slots",
            slots.toString(),
            "--slot",
            "${slot}");
    return """
        app: %s
        environment: %s
        deploy: { command: %s, timeout: 2m }
        strategy:
          blueGreen:
            switch: { command: %s, timeout: 1m }
        health:
          checks:
            - { type: http, name: "slot ${slot}", url: "http://127.0.0.1:%d/slot/${slot}/health", expectJson: { "$.status": "ok" } }
            - { type: http, name: "journal page", url: "http://127.0.0.1:%5$d/" }
          interval: 500ms
          timeout: 2s
          successThreshold: 2
          failureThreshold: 3
        watch: { interval: 10s }
        """
        .formatted(
            app,
            environment,
            DemoTarget.yamlList(deploy),
            DemoTarget.yamlList(switchTo),
            proxyPort);
  }

  public Path writeSpec(Path file) throws IOException {
    return DemoTarget.write(file, spec());
  }

  /** What ran before Slipway took over: a version in the green slot, serving. */
  public void installInitialVersion(String version) throws Exception {
    DemoControl.deployNow(version, greenPort, jdbcUrl, slots.resolve("green"));
    DemoControl.switchTo(slots, "green");
  }

  /** Stops both slots' apps, if running. */
  public void stop() throws IOException {
    for (String slot : List.of("blue", "green")) {
      Path pidFile = slots.resolve(slot).resolve("app.pid");
      if (Files.exists(pidFile)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
            .ifPresent(ProcessHandle::destroy);
      }
    }
  }
}
