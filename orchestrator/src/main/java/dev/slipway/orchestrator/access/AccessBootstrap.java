package dev.slipway.orchestrator.access;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first admin token, so that nobody is locked out of a new installation: on a start with no
 * token at all, one {@code admin} token is created from {@code SLIPWAY_BOOTSTRAP_TOKEN}, or
 * generated and written owner-only to {@code SLIPWAY_BOOTSTRAP_TOKEN_FILE}. Only the path is
 * logged.
 */
@Singleton
public class AccessBootstrap {
  private static final Logger LOG = LoggerFactory.getLogger(AccessBootstrap.class);
  private static final String NAME = "admin";
  private final Tokens tokens;
  private final String givenToken;
  private final Path tokenFile;

  public AccessBootstrap(
      Tokens tokens,
      @Value("${slipway.bootstrap-token:}") String givenToken,
      @Value("${slipway.bootstrap-token-file}") String tokenFile) {
    this.tokens = tokens;
    this.givenToken = givenToken.strip();
    this.tokenFile = Path.of(tokenFile).toAbsolutePath();
  }

  @EventListener
  void onStartup(StartupEvent event) {
    if (!tokens.none()) {
      return;
    }
    if (!givenToken.isEmpty()
        && (givenToken.length() < 32 || !givenToken.matches("[\\x21-\\x7e]+"))) {
      throw new IllegalStateException(
          "SLIPWAY_BOOTSTRAP_TOKEN must be at least 32 printable characters without "
              + "spaces; leave it unset and the orchestrator generates one");
    }
    String secret = givenToken.isEmpty() ? TokenSecrets.generate() : givenToken;
    try {
      tokens.create(NAME, List.of("admin"), Tokens.DEFAULT_LIFETIME, "bootstrap", secret);
    } catch (DataAccessException raced) {
      LOG.info("another orchestrator created the first admin token");
      return;
    }
    if (!givenToken.isEmpty()) {
      LOG.info("created the first admin token '{}' from SLIPWAY_BOOTSTRAP_TOKEN", NAME);
      return;
    }
    write(secret);
    LOG.warn(
        "created the first admin token '{}' and wrote it to {} (owner-only): create named tokens with it, "
            + "then revoke it",
        NAME,
        tokenFile);
  }

  private void write(String secret) {
    try {
      Files.createDirectories(tokenFile.getParent());
      Files.deleteIfExists(tokenFile);
      Files.createFile(
          tokenFile,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(tokenFile, secret + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the first admin token to " + tokenFile, e);
    }
  }
}
