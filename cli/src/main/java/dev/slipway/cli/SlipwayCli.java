package dev.slipway.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code slipway} command line: a gRPC client of the orchestrator. */
@Command(
    name = "slipway",
    mixinStandardHelpOptions = true,
    version = "slipway 0.1.0",
    description = "Deploys releases safely: gates, backup, deploy, health verification, rollback, audit.",
    subcommands = {
      DeployCommand.class,
      StatusCommand.class,
      HistoryCommand.class,
      RollbackCommand.class,
      CancelCommand.class,
      TargetCommand.class
    },
    usageHelpWidth = 120,
    footerHeading = "%nExit codes:%n",
    footer = ExitCode.TABLE)
public final class SlipwayCli {

  @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "HOST:PORT",
      defaultValue = "${env:SLIPWAY_SERVER:-127.0.0.1:9090}",
      description = "Orchestrator gRPC address (env SLIPWAY_SERVER; default ${DEFAULT-VALUE}).")
  String server;

  @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "text|json",
      defaultValue = "text", description = "Result format; json is printed on stdout only.")
  Format output;

  enum Format { text, json }

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
    cli.setParameterExceptionHandler((e, arguments) -> {
      e.getCommandLine().getErr().println("error: " + e.getMessage());
      e.getCommandLine().getErr().println("see: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
      return ExitCode.USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
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
    if (code == ExitCode.CANNOT_CONNECT) {
      String server = commandLine.getCommandSpec().root().findOption("--server").getValue();
      errors.println("error: cannot connect to the Slipway orchestrator at " + server + ": "
          + e.getStatus().getDescription());
      return code;
    }
    errors.println("error: " + e.getStatus().getDescription());
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details != null) {
      for (var any : details.getDetailsList()) {
        if (any.is(BadRequest.class)) {
          try {
            for (var violation : any.unpack(BadRequest.class).getFieldViolationsList()) {
              errors.println("  " + violation.getField() + ": " + violation.getDescription());
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
