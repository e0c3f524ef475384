package dev.slipway.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code slipway} command line: a gRPC client of the orchestrator. */
@Command(
    name = "slipway",
    mixinStandardHelpOptions = true,
    version = "slipway 0.1.0",
    description =
        "Deploys releases safely: gates, backup, deploy, health verification, rollback, audit.",
    subcommands = {
      DeployCommand.class,
      StatusCommand.class,
      LogsCommand.class,
      HealthCommand.class,
      BackupsCommand.class,
      DeliveriesCommand.class,
      ChannelCommand.class,
      HistoryCommand.class,
      RollbackCommand.class,
      CancelCommand.class,
      GateCommands.Approve.class,
      GateCommands.Reject.class,
      GateCommands.Promote.class,
      GateCommands.Abort.class,
      LedgerCommand.class,
      FreezeCommand.class,
      TargetCommand.class,
      QuarantineCommand.class,
      TokenCommand.class,
      SecretCommand.class
    },
    usageHelpWidth = 120,
    footerHeading = "%nExit codes:%n",
    footer = ExitCode.TABLE)
public final class SlipwayCli {

  @Option(
      names = "--server",
      scope = ScopeType.INHERIT,
      paramLabel = "HOST:PORT",
      defaultValue = "${env:SLIPWAY_SERVER:-127.0.0.1:9090}",
      description = "Orchestrator gRPC address (env SLIPWAY_SERVER; default ${DEFAULT-VALUE}).")
  String server;

  @Option(
      names = "--token-file",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "File holding the bearer token. Without it: env SLIPWAY_TOKEN, else the admin token "
              + "that ./slipway dev writes.")
  Path tokenFile;

  @Option(
      names = "--ca-file",
      scope = ScopeType.INHERIT,
      paramLabel = "FILE",
      defaultValue = "${env:SLIPWAY_TLS_CA_FILE}",
      description =
          "PEM CA certificate to reach the orchestrator over TLS (env SLIPWAY_TLS_CA_FILE).")
  String caFile;

  @Option(
      names = "--traceparent",
      scope = ScopeType.INHERIT,
      paramLabel = "W3C",
      defaultValue = "${env:TRACEPARENT}",
      description =
          "Trace context of the pipeline (env TRACEPARENT): the deployment's trace joins it.")
  String traceparent;

  @Option(
      names = {"-o", "--output"},
      scope = ScopeType.INHERIT,
      paramLabel = "text|json",
      defaultValue = "text",
      description = "Result format; json is printed on stdout only.")
  Format output;

  /** Where ./slipway dev writes its first admin token, relative to the repository. */
  static final String DEV_TOKEN = ".slipway/dev/admin.token";

  enum Format {
    text,
    json
  }

  /** A connection to the orchestrator with the caller's token. */
  Server connect() {
    return new Server(server, caFile, token(), traceparent);
  }

  private String token() {
    if (tokenFile != null) {
      return read(tokenFile, "--token-file");
    }
    String fromEnvironment = System.getenv("SLIPWAY_TOKEN");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return fromEnvironment.strip();
    }
    Path devToken = Path.of(System.getProperty("slipway.home", ".")).resolve(DEV_TOKEN);
    return Files.isReadable(devToken) ? read(devToken, "the dev stack's token file") : null;
  }

  private static String read(Path file, String what) {
    try {
      String token = Files.readString(file).strip();
      if (token.isEmpty() || token.length() > 4096 || !token.matches("[\\x21-\\x7e]+")) {
        throw new UsageError(what + " " + file + " does not hold a token");
      }
      return token;
    } catch (IOException e) {
      throw new UsageError("cannot read " + what + " " + file + ": " + e.getMessage());
    }
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command line and returns its exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new SlipwayCli());
    cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExitCodeExceptionMapper(failure -> ExitCode.INTERNAL);
    cli.setParameterExceptionHandler(
        (e, arguments) -> {
          e.getCommandLine().getErr().println("error: " + e.getMessage());
          e.getCommandLine()
              .getErr()
              .println("see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
          return ExitCode.USAGE;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parsed) -> {
          PrintWriter errors = commandLine.getErr();
          return switch (e) {
            case StatusRuntimeException status -> report(status, commandLine, errors);
            case UsageError usage -> {
              errors.println("error: " + usage.getMessage());
              yield ExitCode.USAGE;
            }
            default -> {
              errors.println("error: " + e);
              yield ExitCode.INTERNAL;
            }
          };
        });
    return cli.execute(args);
  }

  private static int report(StatusRuntimeException e, CommandLine commandLine, PrintWriter errors) {
    int code = ExitCode.of(e.getStatus());
    // Only this client's own transport failure has a cause; an UNAVAILABLE the orchestrator sent
    // (a worker behind it is down) says itself what cannot be reached.
    if (code == ExitCode.CANNOT_CONNECT && e.getStatus().getCause() != null) {
      String server = commandLine.getCommandSpec().root().findOption("--server").getValue();
      errors.println(
          "error: cannot connect to the Slipway orchestrator at "
              + server
              + ": "
              + e.getStatus().getDescription());
      return code;
    }
    errors.println("error: " + e.getStatus().getDescription());
    if (e.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
      errors.println(
          "  give a token in SLIPWAY_TOKEN or --token-file (an admin creates one: slipway token create)");
    }
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details != null) {
      for (var any : details.getDetailsList()) {
        if (any.is(BadRequest.class)) {
          try {
            var violations = any.unpack(BadRequest.class).getFieldViolationsList();
            // One violation is the message itself; several are listed, a field a line.
            if (violations.size() > 1) {
              for (var violation : violations) {
                errors.println("  " + violation.getField() + ": " + violation.getDescription());
              }
            }
          } catch (InvalidProtocolBufferException ignored) {
            // The message above already says what is wrong.
          }
        }
      }
    }
    return code;
  }

  /** Bad arguments found after parsing (a file that cannot be read, a malformed duration). */
  static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }
}
