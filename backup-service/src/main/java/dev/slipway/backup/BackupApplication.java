package dev.slipway.backup;

import dev.slipway.platform.grpc.ServerTls;
import io.micronaut.runtime.Micronaut;

/** The backup-service: backups before deploys, snapshots and restores on rollback, retention. */
public final class BackupApplication {
  private BackupApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(BackupApplication.class)
        .properties(ServerTls.properties())
        .start();
  }
}
