package dev.slipway.backup;

import dev.slipway.platform.ServiceMain;

/** The backup-service: backups before deploys, snapshots and restores on rollback, retention. */
public final class BackupApplication {
  private BackupApplication() {}

  public static void main(String[] args) {
    ServiceMain.run(BackupApplication.class, args);
  }
}
