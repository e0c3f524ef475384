package dev.slipway.orchestrator.domain;

/** Why a deployment exists. */
public enum Kind {
  /** Ship a new version. */
  DEPLOY,
  /** A manual return to the last good (or a named) version. */
  ROLLBACK,
  /** A restore on demand of a named backup set; the code stays as it is. */
  RESTORE
}
