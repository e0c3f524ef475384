package dev.slipway.backup.domain;

/** How a restore of a set ended. */
public enum RestoreOutcome {
  /** Every item was put back. */
  SUCCEEDED,
  /** An item could not be put back. */
  FAILED,
  /** A checksum did not match or a file was missing, so nothing was touched. */
  REFUSED
}
