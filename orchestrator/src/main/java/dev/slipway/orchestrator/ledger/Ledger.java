package dev.slipway.orchestrator.ledger;

import dev.slipway.orchestrator.deployments.PhaseRepository;
import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.gates.ApprovalRepository;
import dev.slipway.orchestrator.paging.KeysetCursor;
import dev.slipway.platform.db.Transactions;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What ran where, from when to when, by whom: an entry opens when a version is put in place (its
 * DEPLOY, a blue-green SWITCH to its slot, or a REVERT to it) and closes when another one replaces
 * it or it is rolled back.
 */
@Singleton
public class Ledger {
  private final Transactions transactions;
  private final LedgerRepository repository;
  private final ApprovalRepository approvals;
  private final PhaseRepository phases;

  public Ledger(
      Transactions transactions,
      LedgerRepository repository,
      ApprovalRepository approvals,
      PhaseRepository phases) {
    this.transactions = transactions;
    this.repository = repository;
    this.approvals = approvals;
    this.phases = phases;
  }

  /** A version put in place passed its release's checks: the watch starts from healthy. */
  public static final String HEALTHY = "HEALTHY";

  /** A version put in place whose checks did not run: nothing is known of its health. */
  public static final String UNCHECKED = "UNCHECKED";

  /** Who put a version back after a failed release: Slipway, not the release's requester. */
  static final String AUTOMATIC = "slipway";

  /** In the transaction of a DEPLOY that succeeded: its version runs now. */
  public void deployed(Deployment d, Instant now) {
    if (d.kind() == Kind.ROLLBACK) {
      arrive(
          d,
          d.version(),
          "rollback",
          d.requestedBy(),
          "rolled_back",
          "rolled back by hand to " + d.version() + " by " + d.requestedBy(),
          now);
    } else {
      arrive(d, d.version(), "deploy", d.requestedBy(), "replaced", "", now);
    }
  }

  /** In the transaction of a REVERT that succeeded: the previous version runs again. */
  public void reverted(Deployment d, Instant now) {
    Optional<LedgerRow> running = repository.running(d.app(), d.environment());
    if (running.isPresent()
        && running.get().version().equals(d.previousVersion())
        && running.get().slot().equals(d.slotFor(Phase.REVERT))) {
      return; // the failed DEPLOY (or a switch that failed) never put its version in place
    }
    if (d.previousVersion().isEmpty()) {
      running.ifPresent(r -> repository.close(r.id(), now, "rolled_back", d.id(), d.reason()));
      return;
    }
    arrive(d, d.previousVersion(), "automatic_rollback", AUTOMATIC, "rolled_back", d.reason(), now);
  }

  /**
   * In the transaction of a check phase that could not run: the version this deployment put in
   * place is unverified, so the watch does not start from healthy.
   */
  public void unverified(Deployment d, String why, Instant now) {
    repository
        .running(d.app(), d.environment())
        .filter(row -> row.deploymentId().equals(d.id()))
        .ifPresent(row -> repository.unverified(row.id(), UNCHECKED, now, why));
  }

  private void arrive(
      Deployment d,
      String version,
      String arrived,
      String by,
      String leftHow,
      String why,
      Instant now) {
    repository
        .running(d.app(), d.environment())
        .ifPresent(r -> repository.close(r.id(), now, leftHow, d.id(), why));
    repository.save(
        new LedgerRow(
            null,
            d.app(),
            d.environment(),
            version,
            d.id(),
            arrived,
            by,
            now,
            null,
            "",
            null,
            "",
            // Checks that follow will have passed, or the version is marked unchecked.
            d.plan().healthChecks() ? HEALTHY : UNCHECKED,
            now,
            d.plan().healthChecks() ? "" : "its release ran no checks",
            repository.specHasWatch(d.id()),
            // A version put back is in the slot the release left; a new one in the slot it took.
            d.slotFor(arrived.equals("automatic_rollback") ? Phase.REVERT : Phase.SWITCH)));
  }

  /** One entry with who approved the deployment behind it and, after a rollback, what failed. */
  public record Entry(
      LedgerRow row, List<String> approvedBy, List<PhaseRepository.EvidenceRow> leftEvidence) {}

  public record Page(List<Entry> entries, String nextPageToken) {}

  public Page page(String app, String environment, int pageSize, String pageToken) {
    int size = pageSize <= 0 ? 50 : Math.min(pageSize, 500);
    KeysetCursor.Position<Long> cursor =
        KeysetCursor.decode(
            pageToken,
            new KeysetCursor.Position<>(KeysetCursor.NEWEST, Long.MAX_VALUE),
            Long::valueOf);
    return transactions.read(
        c -> {
          List<LedgerRow> rows =
              repository.page(app, environment, cursor.at(), cursor.key(), size + 1);
          List<Entry> entries = new ArrayList<>();
          for (LedgerRow row : rows.subList(0, Math.min(size, rows.size()))) {
            entries.add(
                new Entry(
                    row,
                    // An automatic rollback's deployment is the failed release: not its approvals.
                    "automatic_rollback".equals(row.arrived())
                        ? List.of()
                        : approvals.approvers(row.deploymentId()),
                    "rolled_back".equals(row.leftHow())
                        ? phases.failedEvidence(row.leftDeploymentId())
                        : List.of()));
          }
          String next =
              rows.size() > size
                  ? new KeysetCursor(rows.get(size - 1).since(), rows.get(size - 1).id().toString())
                      .encode()
                  : "";
          return new Page(entries, next);
        });
  }

  /** Within the caller's transaction: the version runs there now, if any. */
  public Optional<LedgerRow> running(String app, String environment) {
    return repository.running(app, environment);
  }

  /** Within the caller's transaction: whether the version ever ran on the target. */
  public boolean ran(String app, String environment, String version) {
    return repository.ran(app, environment, version).isPresent();
  }

  /** Within the caller's transaction: the versions that ran there, most recent first. */
  public List<String> versions(String app, String environment, int limit) {
    return repository.versions(app, environment, limit);
  }
}
