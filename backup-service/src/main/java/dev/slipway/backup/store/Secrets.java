package dev.slipway.backup.store;

import dev.slipway.backup.domain.Item;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import jakarta.inject.Singleton;

/**
 * Resolves a secret named in a target spec from the backup-service's environment: secret
 * {@code journal-db} is the variable {@code SLIPWAY_SECRET_JOURNAL_DB}. Values are never logged.
 */
@Singleton
public class Secrets {
  public Optional<String> password(Item.Postgres db) throws IOException {
    if (db.passwordSecret().isEmpty()) {
      return Optional.empty();
    }
    String variable = variable(db.passwordSecret());
    String value = System.getenv(variable);
    if (value == null) {
      throw new IOException("secret '" + db.passwordSecret() + "' for " + db.source()
          + " is not set: give the backup-service the environment variable " + variable);
    }
    return Optional.of(value);
  }

  static String variable(String secret) {
    return "SLIPWAY_SECRET_" + secret.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
