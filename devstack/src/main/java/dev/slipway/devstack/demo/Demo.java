package dev.slipway.devstack.demo;

import dev.slipway.cli.ExitCode;
import dev.slipway.cli.SlipwayCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * The demo script: register the journal, ship 1.1.0 (expected SUCCEEDED), then ship the broken
 * 2.0.0 (expected ROLLED_BACK: health fails, database and config restored, 1.1.0 back), then turn
 * the gates on and ship 1.2.0 through a reviewer's approval and a bake, and print the ledger; then
 * a blue-green journal: 1.1.0 switched to, 2.1.0 switched back from — all through the real CLI
 * against the running stack.
 */
public final class Demo {
  private final String server;
  private final Path tokenFile;
  private final DemoTarget target;
  private final BlueGreenTarget blueGreen;
  private final String databasePassword;
  private final PrintStream out;

  /**
   * @param tokenFile an admin token, as an operator would use
   * @param databasePassword the journal database's password, stored as the secret the spec names
   */
  public Demo(
      String server,
      Path tokenFile,
      DemoTarget target,
      BlueGreenTarget blueGreen,
      String databasePassword,
      PrintStream out) {
    this.blueGreen = blueGreen;
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

  /** Runs the demo; true when every release ended as expected. */
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
    steps.add(gatedRelease(specFile, "1.2.0"));
    out.println();
    cli("ledger", "--app", target.app(), "--env", target.environment());
    steps.addAll(blueGreenReleases(specFile.resolveSibling("journal-bg.yaml")));
    out.println();
    out.println("== demo summary");
    boolean ok = true;
    for (Step step : steps) {
      out.printf(
          "  %-16s exit %d (expected %d) in %d ms  %s%n",
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
    return release(target.app(), target.environment(), version, expectedExit, what);
  }

  private Step release(
      String app, String environment, String version, int expectedExit, String what) {
    out.println();
    out.println("== demo: deploying " + app + " " + version + " — " + what);
    long started = System.nanoTime();
    int exit = cli(deploy(app, environment, version));
    String label = app.equals(target.app()) ? version : app + " " + version;
    return new Step(label, expectedExit, exit, Duration.ofNanos(System.nanoTime() - started));
  }

  /**
   * The blue-green journal: a release to the idle slot and a switch, then one that is healthy on
   * its slot but fails once it takes traffic, switched back at once with no redeploy.
   */
  private List<Step> blueGreenReleases(Path specFile) throws Exception {
    out.println();
    out.println("== demo: a blue-green journal; 1.0.0 serves from the green slot behind a proxy");
    blueGreen.installInitialVersion("1.0.0");
    if (cli("target", "apply", "-f", blueGreen.writeSpec(specFile).toString())
        != ExitCode.SUCCEEDED) {
      return List.of(
          new Step(blueGreen.app(), ExitCode.SUCCEEDED, ExitCode.INTERNAL, Duration.ZERO));
    }
    String app = blueGreen.app();
    String environment = blueGreen.environment();
    List<Step> steps = new ArrayList<>();
    steps.add(
        release(
            app,
            environment,
            "1.1.0",
            ExitCode.SUCCEEDED,
            "to the idle blue slot, checked there, then traffic switched to it"));
    steps.add(
        release(
            app,
            environment,
            "2.1.0",
            ExitCode.ROLLED_BACK,
            "healthy on its slot, but its journal page fails once it takes traffic: switched"
                + " back to blue at once, nothing redeployed"));
    out.println();
    cli("ledger", "--app", app, "--env", environment);
    out.println("  blue-green journal: http://127.0.0.1:" + blueGreen.proxyPort() + "/");
    return steps;
  }

  /**
   * With the gates on, a release waits for a reviewer's approval (the requester's own would be
   * refused), then bakes before it counts.
   */
  private Step gatedRelease(Path specFile, String version) throws Exception {
    out.println();
    out.println(
        "== demo: the target now needs one approval and bakes for 10s; deploying " + version);
    Path gated = target.writeGatedSpec(specFile.resolveSibling("journal-gated.yaml"), "10s");
    Path reviewer = reviewerToken(specFile.resolveSibling("reviewer.token"));
    if (cli("target", "apply", "-f", gated.toString()) != ExitCode.SUCCEEDED || reviewer == null) {
      return new Step(version, ExitCode.SUCCEEDED, ExitCode.INTERNAL, Duration.ZERO);
    }
    long started = System.nanoTime();
    CompletableFuture<Integer> release =
        CompletableFuture.supplyAsync(
            () -> cli(deploy(target.app(), target.environment(), version)));
    String id = awaitApproval();
    int exit =
        id == null
            ? ExitCode.INTERNAL
            : as(reviewer, "approve", id, "--comment", "reviewed the changelog");
    if (exit == ExitCode.SUCCEEDED) {
      exit = release.get();
    }
    return new Step(
        version, ExitCode.SUCCEEDED, exit, Duration.ofNanos(System.nanoTime() - started));
  }

  /** A token for a second person, who may approve; its secret goes to a file, never the screen. */
  private Path reviewerToken(Path file) throws IOException {
    ByteArrayOutputStream secret = new ByteArrayOutputStream();
    String[] args = {
      "--server",
      server,
      "--token-file",
      tokenFile.toString(),
      "token",
      "create",
      "--name",
      "reviewer-" + UUID.randomUUID().toString().substring(0, 4),
      "--scope",
      "approve:" + target.environment(),
      "--scope",
      "read"
    };
    out.println("$ slipway token create --name reviewer-… --scope approve:" + target.environment());
    if (SlipwayCli.run(args, new PrintStream(secret, true, StandardCharsets.UTF_8), out)
        != ExitCode.SUCCEEDED) {
      return null;
    }
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    return Files.writeString(file, secret.toString(StandardCharsets.UTF_8).strip());
  }

  /** The id of the target's deployment once it waits for approval; null after a minute. */
  private String awaitApproval() throws Exception {
    for (int i = 0; i < 600; i++) {
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      PrintStream quiet = new PrintStream(json, true, StandardCharsets.UTF_8);
      String[] args = {
        "--server",
        server,
        "--token-file",
        tokenFile.toString(),
        "-o",
        "json",
        "history",
        "--app",
        target.app(),
        "--env",
        target.environment(),
        "--limit",
        "1"
      };
      SlipwayCli.run(args, quiet, quiet);
      String text = json.toString(StandardCharsets.UTF_8);
      if (text.contains("DEPLOYMENT_STATUS_AWAITING_APPROVAL")) {
        return text.replaceAll("(?s).*?\"id\": \"([^\"]+)\".*", "$1");
      }
      Thread.sleep(100);
    }
    return null;
  }

  private String[] deploy(String app, String environment, String version) {
    return new String[] {
      "deploy",
      "--app",
      app,
      "--env",
      environment,
      "--version",
      version,
      "--wait",
      "--timeout",
      "5m"
    };
  }

  private int as(Path token, String... args) {
    List<String> line =
        new ArrayList<>(List.of("--server", server, "--token-file", token.toString()));
    line.addAll(List.of(args));
    out.println("$ slipway " + String.join(" ", args) + "    (as the reviewer)");
    return SlipwayCli.run(line.toArray(String[]::new), out, out);
  }

  private int cli(String... args) {
    List<String> line =
        new ArrayList<>(List.of("--server", server, "--token-file", tokenFile.toString()));
    line.addAll(List.of(args));
    out.println("$ slipway " + String.join(" ", args));
    return SlipwayCli.run(line.toArray(String[]::new), out, out);
  }
}
