package dev.slipway.backup.domain;

/** Where a backup set stands. Only a COMPLETE set is ever restored or counted by retention. */
public enum SetStatus {
  /** Being written. */
  RUNNING,
  /** Every item written and hashed. */
  COMPLETE,
  /** An item failed, or the job was stopped: never restored. */
  FAILED,
  /** Expired by retention; its files are gone. */
  DELETED
}
