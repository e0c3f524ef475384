package dev.slipway.backup.domain;

/** Why a backup set was taken. */
public enum SetKind {
  /** Before the deploy: what a rollback restores. */
  BACKUP,
  /** Before a restore: the state the failed release left, kept so nothing is lost for good. */
  SNAPSHOT
}
