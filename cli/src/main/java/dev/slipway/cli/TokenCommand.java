package dev.slipway.cli;

import com.google.protobuf.Timestamp;
import dev.slipway.proto.v1.CreateTokenRequest;
import dev.slipway.proto.v1.CreateTokenResponse;
import dev.slipway.proto.v1.ListTokensRequest;
import dev.slipway.proto.v1.ListTokensResponse;
import dev.slipway.proto.v1.RevokeTokenRequest;
import dev.slipway.proto.v1.Token;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "token",
    mixinStandardHelpOptions = true,
    description = "Create, list and revoke bearer tokens (admin).",
    subcommands = {TokenCommand.Create.class, TokenCommand.List.class, TokenCommand.Revoke.class})
final class TokenCommand {
  @ParentCommand SlipwayCli root;

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a token. Its secret is printed on stdout once and never again.")
  static final class Create implements Callable<Integer> {
    @ParentCommand TokenCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--name", required = true, description = "Who the token acts as (a slug).")
    String name;

    @Option(
        names = "--scope",
        required = true,
        paramLabel = "SCOPE",
        description =
            "read, admin, internal, deploy:<env>, rollback:<env>, cancel:<env>, approve:<env>, "
                + "freeze:override:<env>; <env> may be a glob (prod-*, *). Repeat for more.")
    java.util.List<String> scopes;

    @Option(
        names = "--expires",
        defaultValue = "90d",
        paramLabel = "DURATION|never",
        description =
            "Lifetime, e.g. 30d or 12h (default ${DEFAULT-VALUE}); never only when you mean it.")
    String expires;

    @Override
    public Integer call() throws InterruptedException {
      CreateTokenRequest.Builder request =
          CreateTokenRequest.newBuilder().setName(name).addAllScopes(scopes);
      if ("never".equals(expires)) {
        request.setNeverExpires(true);
      } else {
        Duration lifetime = new DurationConverter().convert(expires);
        request.setExpiresIn(
            com.google.protobuf.Duration.newBuilder().setSeconds(lifetime.toSeconds()));
      }
      try (Server server = parent.root.connect()) {
        CreateTokenResponse created = server.tokens().createToken(request.build());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, created);
        } else {
          spec.commandLine()
              .getErr()
              .println(
                  "created token "
                      + describe(created.getToken())
                      + "; its secret follows, shown this once:");
          spec.commandLine().getErr().flush();
          out.println(created.getSecret());
          out.flush();
        }
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List tokens (never their secrets).")
  static final class List implements Callable<Integer> {
    @ParentCommand TokenCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--all", description = "Include revoked and expired tokens.")
    boolean all;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        ListTokensResponse tokens =
            server
                .tokens()
                .listTokens(ListTokensRequest.newBuilder().setIncludeInactive(all).build());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, tokens);
        } else {
          tokens.getTokensList().forEach(token -> out.println(describe(token)));
          out.flush();
        }
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a token by name or id.")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand TokenCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME|ID")
    String token;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        Token revoked =
            server.tokens().revokeToken(RevokeTokenRequest.newBuilder().setToken(token).build());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, revoked);
        } else {
          out.println("revoked " + describe(revoked));
          out.flush();
        }
        return ExitCode.SUCCEEDED;
      }
    }
  }

  static String describe(Token token) {
    return token.getName()
        + " ("
        + token.getId()
        + ") scopes "
        + String.join(" ", token.getScopesList())
        + ", created by "
        + token.getCreatedBy()
        + " "
        + Printer.time(token.getCreatedAt())
        + when(", expires ", token.hasExpiresAt(), token.getExpiresAt(), ", never expires")
        + when(", last used ", token.hasLastUsedAt(), token.getLastUsedAt(), "")
        + when(", REVOKED ", token.hasRevokedAt(), token.getRevokedAt(), "");
  }

  private static String when(String label, boolean present, Timestamp time, String otherwise) {
    return present ? label + Printer.time(time) : otherwise;
  }
}
