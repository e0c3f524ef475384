package dev.slipway.cli;

import dev.slipway.proto.v1.DeploymentStatus;
import io.grpc.Status;

/** The CI contract: what the exit code of a slipway command means. */
public final class ExitCode {
  public static final int SUCCEEDED = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int TIMEOUT = 3;
  public static final int CANCELLED = 4;
  public static final int ROLLED_BACK = 5;
  public static final int ROLLBACK_FAILED = 6;
  public static final int CANNOT_CONNECT = 11;
  public static final int REFUSED = 12;
  public static final int NOT_FOUND = 13;
  public static final int INTERNAL = 20;

  /** Printed by --help and kept identical in the README. */
  public static final String TABLE =
      """
      | code | meaning |
      |---|---|
      | 0 | SUCCEEDED |
      | 1 | FAILED before anything changed (preflight, backup, gate) |
      | 2 | usage error or invalid input (names the field) |
      | 3 | still running when `--timeout` passed |
      | 4 | CANCELLED |
      | 5 | ROLLED_BACK: the release failed and the previous version is back |
      | 6 | ROLLBACK_FAILED: needs a human |
      | 11 | cannot connect |
      | 12 | refused: authentication, permission, or precondition (target busy, frozen, quarantined) |
      | 13 | not found |
      | 20 | internal error |
      """;

  private ExitCode() {}

  /** The exit code of a finished deployment. */
  public static int of(DeploymentStatus status) {
    return switch (status) {
      case DEPLOYMENT_STATUS_SUCCEEDED -> SUCCEEDED;
      case DEPLOYMENT_STATUS_FAILED -> FAILED;
      case DEPLOYMENT_STATUS_CANCELLED -> CANCELLED;
      case DEPLOYMENT_STATUS_ROLLED_BACK -> ROLLED_BACK;
      case DEPLOYMENT_STATUS_ROLLBACK_FAILED -> ROLLBACK_FAILED;
      default -> TIMEOUT;
    };
  }

  /** The exit code of a failed call. */
  public static int of(Status status) {
    return switch (status.getCode()) {
      case INVALID_ARGUMENT, OUT_OF_RANGE -> USAGE;
      case UNAVAILABLE -> CANNOT_CONNECT;
      case DEADLINE_EXCEEDED -> TIMEOUT;
      case UNAUTHENTICATED,
          PERMISSION_DENIED,
          FAILED_PRECONDITION,
          ALREADY_EXISTS,
          ABORTED,
          RESOURCE_EXHAUSTED ->
          REFUSED;
      case NOT_FOUND -> NOT_FOUND;
      default -> INTERNAL;
    };
  }
}
