package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.Freeze;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.orchestrator.targets.StoredTarget;
import java.util.List;

/** Why a request to create a deployment is turned down, in words that say what to do. */
final class CreateChecks {
  private CreateChecks() {}

  /** The earlier deployment of an idempotency key, if the request is the same one. */
  static StoredDeployment sameRequest(StoredDeployment earlier, Deployments.Request request) {
    Deployment d = earlier.deployment();
    if (!d.app().equals(request.app())
        || !d.environment().equals(request.environment())
        || (d.kind() != Kind.RESTORE && !d.version().equals(request.version()))
        || d.kind() != request.kind()
        || !earlier.restoreSet().equals(request.restoreSet())) {
      throw new InvalidInput(
          "idempotency_key",
          "was already used for deployment "
              + d.id()
              + " of "
              + d.app()
              + "/"
              + d.environment()
              + " version "
              + d.version()
              + "; use a new key for a new request");
    }
    return earlier;
  }

  /**
   * A restore needs backup items to snapshot first, and the version running now to be the one the
   * set's data belongs to, unless forced.
   */
  static void restorable(Deployments.Request request, StoredTarget target) {
    String name = request.app() + "/" + request.environment();
    if (target.spec().getBackup().getItemsCount() == 0) {
      throw new Refused(
          "target "
              + name
              + " has no backup items now, so there is nothing to snapshot and restore");
    }
    String running = target.currentVersion();
    if (!request.forced() && !request.version().equals(running)) {
      throw new Refused(
          "backup set "
              + request.restoreSet().orElseThrow()
              + " holds the data of version "
              + (request.version().isEmpty() ? "(none)" : request.version())
              + ", and "
              + (running.isEmpty() ? "no version" : running)
              + " runs on "
              + name
              + " now: its schema may not match; restore it anyway with --force --reason TEXT");
    }
  }

  static NotFound noTarget(Deployments.Request request) {
    return new NotFound(
        "no target "
            + request.app()
            + "/"
            + request.environment()
            + "; register it with: slipway target apply -f FILE");
  }

  static Refused frozen(Deployments.Request request, Freeze freeze) {
    return new Refused(
        "environment "
            + request.environment()
            + " is frozen by window '"
            + freeze.window()
            + "' ("
            + freeze.reason()
            + ") until "
            + freeze.until()
            + "; deploy after it ends, or with --override-freeze --reason TEXT (needs"
            + " freeze:override:"
            + request.environment()
            + ")");
  }

  static Refused busy(Deployments.Request request, Deployment active) {
    return new Refused(
        "target "
            + request.app()
            + "/"
            + request.environment()
            + " is busy: deployment "
            + active.id()
            + " is still running ("
            + active.status()
            + (request.kind() == Kind.RESTORE
                ? "); restore when it has ended"
                : "); wait for it, or queue behind it with --queue"));
  }

  static Refused neverRan(String app, String environment, String version, List<String> known) {
    return new Refused(
        "version "
            + version
            + " never ran on "
            + app
            + "/"
            + environment
            + (known.isEmpty()
                ? "; the ledger knows no version there yet"
                : "; the ledger knows " + String.join(", ", known))
            + "; roll back to one of those, or use --force --reason TEXT");
  }
}
