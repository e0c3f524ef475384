package dev.slipway.backup;

import io.micronaut.runtime.Micronaut;

/** The backup-service: backups before deploys, snapshots and restores on rollback, retention. */
public final class BackupApplication {
  private BackupApplication() {}

  public static void main(String[] args) {
    Micronaut.run(BackupApplication.class, args);
  }
}
