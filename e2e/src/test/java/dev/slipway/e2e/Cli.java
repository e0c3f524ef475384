package dev.slipway.e2e;

import dev.slipway.cli.SlipwayCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the real CLI in this JVM and keeps what it printed. */
final class Cli {
  private Cli() {}

  /** How one command line ended. */
  record Run(int exit, String out, String err) {
    String all() {
      return out + err;
    }
  }

  /** The admin token of the e2e stack; every run uses it unless it names its own. */
  static Path adminToken;

  static Run run(String server, String... args) {
    return as(adminToken, server, args);
  }

  /** Runs a command line with the token in {@code tokenFile} (null: no token at all). */
  static Run as(Path tokenFile, String server, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> line = new ArrayList<>(List.of("--server", server));
    if (tokenFile != null) {
      line.addAll(List.of("--token-file", tokenFile.toString()));
    }
    line.addAll(List.of(args));
    int exit =
        SlipwayCli.run(
            line.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    Run run =
        new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.println(
        "$ slipway " + String.join(" ", args) + "  -> exit " + exit + "\n" + run.all());
    return run;
  }
}
