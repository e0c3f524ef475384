package dev.slipway.devstack.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The demo application registered as a Slipway target: where it runs, its database, and the spec
 * that deploys it with {@link DemoControl}, backs up its database and config, and checks its
 * health.
 *
 * @param databaseUrl libpq-style URL of its database, e.g.
 *     postgresql://postgres@localhost:5432/journal
 * @param jdbcUrl the same database for JDBC, with credentials
 * @param notifyChannel a notifier channel told about every terminal event, or empty
 */
public record DemoTarget(
    String app,
    String environment,
    int port,
    Path workdir,
    String databaseUrl,
    String jdbcUrl,
    Path devstackHome,
    Optional<String> notifyChannel) {

  /** The secret holding the journal database's password, used by backups and restores. */
  public static final String DB_SECRET = "journal-db";

  public String spec() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> argv =
        List.of(
            java,
            "-cp",
            classpath(devstackHome),
            DemoControl.class.getName(),
            "deploy",
            "--version",
            "${version}",
            "--port",
            Integer.toString(port),
            "--db",
            jdbcUrl,
            "--workdir",
            workdir.toString());
    String pgHostPort =
        databaseUrl.replaceFirst("^postgresql://[^@]+@", "").replaceFirst("/.*$", "");
    return """
        app: %s
        environment: %s
        deploy:
          command: %s
          timeout: 2m
        backup:
          items:
            - { type: postgres, url: "%s", passwordSecret: %s }
            - { type: files, paths: ["%s"] }
          keep: 3
          restoreOnRollback: true
        preflight:
          checks:
            - { type: tcp, address: "%s" }
        health:
          checks:
            - { type: http, url: "http://127.0.0.1:%d/health", expectStatus: 200, expectJson: { "$.status": "ok" } }
            - { type: tcp, address: "127.0.0.1:%d" }
          interval: 500ms
          timeout: 2s
          startPeriod: 1s
          successThreshold: 2
          failureThreshold: 3
        %s
        """
        .formatted(
            app,
            environment,
            yamlList(argv),
            databaseUrl,
            DB_SECRET,
            workdir.resolve("instance"),
            pgHostPort,
            port,
            port,
            notifyChannel.map(c -> "notify:\n  - { channel: " + c + " }").orElse(""));
  }

  /**
   * The spec with the release gates on: one approval by someone other than the requester, and a
   * bake that keeps checking the new version for a while before it counts.
   */
  public Path writeGatedSpec(Path file, String bake) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        spec().replace("  failureThreshold: 3\n", "  failureThreshold: 3\n  bake: " + bake + "\n")
            + "\napproval: { required: 1, timeout: 1h }\n");
    return file;
  }

  /** Writes the spec to a file for {@code slipway target apply -f}. */
  public Path writeSpec(Path file) throws IOException {
    return write(file, spec());
  }

  static Path write(Path file, String spec) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, spec);
  }

  /** Puts the version that ran before Slipway took over in place, as a human would have. */
  public void installInitialVersion(String version) throws Exception {
    DemoControl.deployNow(version, port, jdbcUrl, workdir);
  }

  /** Stops the running journal, if any. */
  public void stop() throws IOException {
    Path pidFile = workdir.resolve("app.pid");
    if (Files.exists(pidFile)) {
      ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
          .ifPresent(ProcessHandle::destroy);
    }
  }

  /** The devstack's classes and dependencies, for a command that runs {@link DemoControl}. */
  static String classpath(Path devstackHome) throws IOException {
    Path target = devstackHome.resolve("devstack").resolve("target");
    return target.resolve("classes")
        + java.io.File.pathSeparator
        + Files.readString(target.resolve("classpath.txt")).strip();
  }

  static String yamlList(List<String> items) {
    StringBuilder out = new StringBuilder("[");
    for (String item : items) {
      out.append(out.length() == 1 ? "" : ", ")
          .append('"')
          .append(item.replace("\\", "\\\\").replace("\"", "\\\""))
          .append('"');
    }
    return out.append(']').toString();
  }
}
