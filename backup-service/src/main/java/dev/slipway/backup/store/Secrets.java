package dev.slipway.backup.store;

import dev.slipway.backup.domain.Item;
import dev.slipway.platform.grpc.OrchestratorClient;
import io.grpc.StatusRuntimeException;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Fetches the secret a backup item names from the orchestrator's secret store, which gives out only
 * the secrets the deployment's pinned spec references. Values are never logged or kept.
 */
@Singleton
public class Secrets {
  private final OrchestratorClient orchestrator;

  public Secrets(OrchestratorClient orchestrator) {
    this.orchestrator = orchestrator;
  }

  public DbPassword password(UUID deploymentId, Item.Postgres db)
      throws IOException, InterruptedException {
    if (db.passwordSecret().isEmpty()) {
      return DbPassword.NONE;
    }
    try {
      return new DbPassword(
          new String(
              orchestrator.secret(deploymentId.toString(), db.passwordSecret()),
              StandardCharsets.UTF_8));
    } catch (StatusRuntimeException e) {
      throw new IOException(
          "secret '"
              + db.passwordSecret()
              + "' for "
              + db.source()
              + " cannot be read: "
              + e.getStatus().getDescription()
              + " (store it with: slipway secret set "
              + db.passwordSecret()
              + ")",
          e);
    }
  }
}
