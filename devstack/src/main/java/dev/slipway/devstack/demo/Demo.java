package dev.slipway.devstack.demo;

import dev.slipway.cli.ExitCode;
import dev.slipway.cli.SlipwayCli;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo script: register the journal, ship 1.1.0 (expected SUCCEEDED), then ship the broken
 * 2.0.0 (expected ROLLED_BACK: health fails, database and config restored, 1.1.0 back) — all
 * through the real CLI against the running stack.
 */
public final class Demo {
  private final String server;
  private final Path tokenFile;
  private final DemoTarget target;
  private final String databasePassword;
  private final PrintStream out;

  /**
   * @param tokenFile an admin token, as an operator would use
   * @param databasePassword the journal database's password, stored as the secret the spec names
   */
  public Demo(
      String server, Path tokenFile, DemoTarget target, String databasePassword, PrintStream out) {
    this.server = server;
    this.tokenFile = tokenFile;
    this.target = target;
    this.databasePassword = databasePassword;
    this.out = out;
  }

  /** One release of the demo and how it ended. */
  public record Step(String version, int expectedExit, int exit, Duration took) {
    public boolean asExpected() {
      return exit == expectedExit;
    }
  }

  /** Runs the demo; true when both releases ended as expected. */
  public boolean run(Path specFile) throws Exception {
    out.println("== demo: journal 1.0.0 is running; registering it with Slipway");
    target.installInitialVersion("1.0.0");
    Path passwordFile = specFile.resolveSibling(DemoTarget.DB_SECRET + ".secret");
    Files.deleteIfExists(passwordFile);
    Files.createFile(
        passwordFile,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(passwordFile, databasePassword);
    int stored = cli("secret", "set", DemoTarget.DB_SECRET, "--file", passwordFile.toString());
    Files.delete(passwordFile);
    if (stored != ExitCode.SUCCEEDED) {
      out.println("demo: storing the database secret failed with exit " + stored);
      return false;
    }
    int applied = cli("target", "apply", "-f", target.writeSpec(specFile).toString());
    if (applied != ExitCode.SUCCEEDED) {
      out.println("demo: registering the target failed with exit " + applied);
      return false;
    }
    List<Step> steps = new ArrayList<>();
    steps.add(release("1.1.0", ExitCode.SUCCEEDED, "a good release"));
    steps.add(
        release(
            "2.0.0",
            ExitCode.ROLLED_BACK,
            "a bad release: its health check fails, so Slipway restores"
                + " the database and config and puts 1.1.0 back"));
    out.println();
    out.println("== demo summary");
    boolean ok = true;
    for (Step step : steps) {
      out.printf(
          "  %-6s exit %d (expected %d) in %d ms  %s%n",
          step.version(),
          step.exit(),
          step.expectedExit(),
          step.took().toMillis(),
          step.asExpected() ? "ok" : "UNEXPECTED");
      ok &= step.asExpected();
    }
    out.println(
        "  journal: http://127.0.0.1:"
            + target.port()
            + "/  health: http://127.0.0.1:"
            + target.port()
            + "/health");
    out.println("  history: ./slipway --server " + server + " history --app " + target.app());
    return ok;
  }

  private Step release(String version, int expectedExit, String what) {
    out.println();
    out.println("== demo: deploying " + version + " — " + what);
    long started = System.nanoTime();
    int exit =
        cli(
            "deploy",
            "--app",
            target.app(),
            "--env",
            target.environment(),
            "--version",
            version,
            "--wait",
            "--timeout",
            "5m");
    return new Step(version, expectedExit, exit, Duration.ofNanos(System.nanoTime() - started));
  }

  private int cli(String... args) {
    List<String> line =
        new ArrayList<>(List.of("--server", server, "--token-file", tokenFile.toString()));
    line.addAll(List.of(args));
    out.println("$ slipway " + String.join(" ", args));
    return SlipwayCli.run(line.toArray(String[]::new), out, out);
  }
}
