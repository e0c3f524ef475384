package dev.slipway.cli;

import picocli.CommandLine.Option;

/** {@code --app A --env E}: the one target a command is about. */
final class TargetOptions {
  @Option(names = "--app", required = true, description = "Application.")
  String app;

  @Option(names = "--env", required = true, description = "Environment.")
  String environment;
}
