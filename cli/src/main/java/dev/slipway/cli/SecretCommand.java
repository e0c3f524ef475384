package dev.slipway.cli;

import com.google.protobuf.ByteString;
import dev.slipway.proto.v1.DeleteSecretRequest;
import dev.slipway.proto.v1.ListSecretsRequest;
import dev.slipway.proto.v1.ListSecretsResponse;
import dev.slipway.proto.v1.RotateMasterKeyRequest;
import dev.slipway.proto.v1.RotateMasterKeyResponse;
import dev.slipway.proto.v1.Secret;
import dev.slipway.proto.v1.SetSecretRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

@Command(
    name = "secret",
    mixinStandardHelpOptions = true,
    description =
        "Store secrets encrypted (admin). Values go in from stdin or a file, never argv, and never come out.",
    subcommands = {
      SecretCommand.Set.class,
      SecretCommand.List.class,
      SecretCommand.Delete.class,
      SecretCommand.RotateMaster.class
    })
final class SecretCommand {
  /** Matches the server's limit, so a larger value is refused before it is sent. */
  private static final int MAX_VALUE_BYTES = 64 * 1024;

  @ParentCommand SlipwayCli root;

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Create or replace a secret; the value is read from stdin (one trailing newline dropped) or --file.")
  static final class Set implements Callable<Integer> {
    @ParentCommand SecretCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(
        names = "--file",
        paramLabel = "FILE",
        description = "Read the value from this file, as it is.")
    Path file;

    @Override
    public Integer call() throws InterruptedException {
      byte[] value = file == null ? fromStdin() : fromFile();
      try (Server server = parent.root.connect()) {
        Secret secret =
            server
                .secrets()
                .setSecret(
                    SetSecretRequest.newBuilder()
                        .setName(name)
                        .setValue(ByteString.copyFrom(value))
                        .build());
        print(parent.root, spec.commandLine().getOut(), secret, "stored");
        return ExitCode.SUCCEEDED;
      }
    }

    private byte[] fromFile() {
      try {
        if (Files.size(file) > MAX_VALUE_BYTES) {
          throw new SlipwayCli.UsageError(
              "--file " + file + " is larger than " + MAX_VALUE_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
      } catch (IOException e) {
        throw new SlipwayCli.UsageError("cannot read --file " + file + ": " + e.getMessage());
      }
    }

    private static byte[] fromStdin() {
      try {
        InputStream in = System.in;
        byte[] value = in.readNBytes(MAX_VALUE_BYTES + 1);
        if (value.length > MAX_VALUE_BYTES) {
          throw new SlipwayCli.UsageError(
              "the value on stdin is larger than " + MAX_VALUE_BYTES + " bytes");
        }
        int end = value.length;
        if (end > 0 && value[end - 1] == '\n') {
          end--;
        }
        return java.util.Arrays.copyOf(value, end);
      } catch (IOException e) {
        throw new SlipwayCli.UsageError("cannot read the value from stdin: " + e.getMessage());
      }
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "Names, versions and dates; never values.")
  static final class List implements Callable<Integer> {
    @ParentCommand SecretCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        ListSecretsResponse secrets =
            server.secrets().listSecrets(ListSecretsRequest.getDefaultInstance());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, secrets);
        } else {
          secrets.getSecretsList().forEach(secret -> print(parent.root, out, secret, "secret"));
        }
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a secret.")
  static final class Delete implements Callable<Integer> {
    @ParentCommand SecretCommand parent;
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        Secret deleted =
            server.secrets().deleteSecret(DeleteSecretRequest.newBuilder().setName(name).build());
        print(parent.root, spec.commandLine().getOut(), deleted, "deleted");
        return ExitCode.SUCCEEDED;
      }
    }
  }

  @Command(
      name = "rotate-master",
      mixinStandardHelpOptions = true,
      description =
          "Add a new primary master key and re-encrypt every secret under it; old keys stay readable.")
  static final class RotateMaster implements Callable<Integer> {
    @ParentCommand SecretCommand parent;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      try (Server server = parent.root.connect()) {
        RotateMasterKeyResponse rotated =
            server.secrets().rotateMasterKey(RotateMasterKeyRequest.getDefaultInstance());
        PrintWriter out = spec.commandLine().getOut();
        if (parent.root.output == SlipwayCli.Format.json) {
          Printer.json(out, rotated);
        } else {
          out.println(
              "new primary master key "
                  + rotated.getPrimaryKeyId()
                  + "; "
                  + rotated.getReencrypted()
                  + " stored value(s) re-encrypted");
          out.flush();
        }
        return ExitCode.SUCCEEDED;
      }
    }
  }

  private static void print(SlipwayCli root, PrintWriter out, Secret secret, String verb) {
    if (root.output == SlipwayCli.Format.json) {
      Printer.json(out, secret);
      return;
    }
    out.println(
        verb
            + " "
            + secret.getName()
            + " version "
            + secret.getVersion()
            + ", updated "
            + Printer.time(secret.getUpdatedAt())
            + " by "
            + secret.getUpdatedBy());
    out.flush();
  }
}
