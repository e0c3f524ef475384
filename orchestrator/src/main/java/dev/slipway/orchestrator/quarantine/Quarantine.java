package dev.slipway.orchestrator.quarantine;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.platform.db.Transactions;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * Versions rolled back on a target are quarantined there: deploying one again is refused, naming
 * the rollback and its reason, unless the deploy is forced with a reason or the version released.
 */
@Singleton
public class Quarantine {
  private final Transactions transactions;
  private final QuarantineRepository repository;
  private final Clock clock;

  public Quarantine(Transactions transactions, QuarantineRepository repository, Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.clock = clock;
  }

  /**
   * Inside the transaction that creates a deployment: refuses a quarantined version unless forced.
   */
  public void admit(String app, String environment, String version, boolean force) {
    repository
        .find(app, environment, version)
        .filter(row -> !row.released())
        .filter(row -> !force)
        .ifPresent(
            row -> {
              throw new Refused(
                  "version "
                      + version
                      + " is quarantined on "
                      + app
                      + "/"
                      + environment
                      + ": deployment "
                      + row.deploymentId()
                      + " rolled it back ("
                      + row.reason()
                      + "); deploy it anyway with --force --reason TEXT, or release it with"
                      + " slipway quarantine release");
            });
  }

  /** Inside the transaction that ends a deployment ROLLED_BACK. */
  public void record(
      String app, String environment, String version, UUID deploymentId, String reason) {
    repository.quarantine(app, environment, version, deploymentId, reason, clock.instant());
  }

  public QuarantinedVersionRow release(
      String app, String environment, String version, String by, String reason) {
    if (reason.isBlank()) {
      throw new InvalidInput("reason", "is required: say why the version may be deployed again");
    }
    return transactions.inTransaction(
        c -> {
          if (repository.release(app, environment, version, by, reason, clock.instant()) == 1) {
            return repository.find(app, environment, version).orElseThrow();
          }
          QuarantinedVersionRow row =
              repository
                  .find(app, environment, version)
                  .orElseThrow(
                      () ->
                          new NotFound(
                              "version "
                                  + version
                                  + " is not quarantined on "
                                  + app
                                  + "/"
                                  + environment));
          throw new Refused(
              "version "
                  + version
                  + " was already released on "
                  + row.releasedAt()
                  + " by "
                  + row.releasedBy()
                  + ": "
                  + row.releaseReason());
        });
  }

  public List<QuarantinedVersionRow> list(String app, String environment, boolean released) {
    return transactions.read(c -> repository.list(app, environment, released));
  }
}
