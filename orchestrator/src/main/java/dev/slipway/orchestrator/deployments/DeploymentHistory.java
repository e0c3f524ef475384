package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.domain.Status;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.gates.ApprovalRepository;
import dev.slipway.orchestrator.gates.ApprovalRow;
import dev.slipway.orchestrator.paging.KeysetCursor;
import dev.slipway.platform.db.Transactions;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Reads deployments for the API: one with its phases and logs, or pages of them, newest first. */
@Singleton
public class DeploymentHistory {
  private final Transactions transactions;
  private final DeploymentRepository repository;
  private final PhaseRepository phases;
  private final StepLogs stepLogs;
  private final ApprovalRepository approvals;

  public DeploymentHistory(
      Transactions transactions,
      DeploymentRepository repository,
      PhaseRepository phases,
      StepLogs stepLogs,
      ApprovalRepository approvals) {
    this.approvals = approvals;
    this.transactions = transactions;
    this.repository = repository;
    this.phases = phases;
    this.stepLogs = stepLogs;
  }

  /** One attempt of one phase, as the API shows it. */
  public record PhaseRow(
      String phase,
      int step,
      int attempt,
      String outcome,
      String summary,
      Instant startedAt,
      Instant finishedAt,
      List<String> logTail,
      int logLines,
      List<Input.Evidence> evidence) {}

  /** A deployment with its phases, its approvals and, while queued, its place in the queue. */
  public record Detail(
      StoredDeployment deployment,
      List<PhaseRow> phases,
      List<ApprovalRow> approvals,
      int queuePosition) {}

  /** A page and the token of the next one (empty on the last page). */
  public record Page(List<StoredDeployment> deployments, String nextPageToken) {}

  /** The deployment and its phases, each with the last {@code logTail} lines of its output. */
  public Detail get(UUID id, int logTail) {
    return transactions.read(
        c -> {
          StoredDeployment stored =
              repository.find(id).orElseThrow(() -> new NotFound("no deployment " + id));
          List<PhaseRow> rows = new ArrayList<>();
          for (PhaseEntry entry : phases.ofDeployment(id)) {
            Phase phase = entry.key().phase();
            int step = entry.key().step();
            int attempt = entry.key().attempt();
            rows.add(
                new PhaseRow(
                    phase.name(),
                    step,
                    attempt,
                    entry.outcome(),
                    entry.summary(),
                    entry.startedAt(),
                    entry.finishedAt(),
                    logTail <= 0
                        ? List.of()
                        : stepLogs.tail(id, phase, step, attempt, logTail).stream()
                            .map(StepLogs.Line::text)
                            .toList(),
                    (int) stepLogs.count(id, phase, step, attempt),
                    phases.evidence(id, phase, step, attempt)));
          }
          Deployment d = stored.deployment();
          int position =
              d.status() == Status.QUEUED
                  ? (int)
                          repository.queuedAhead(
                              d.app(), d.environment(), stored.createdAt(), d.id())
                      + 1
                  : 0;
          return new Detail(stored, rows, approvals.of(id), position);
        });
  }

  /** A page of a phase attempt's output (one line more than asked, to tell whether more exist). */
  public List<StepLogs.Line> stepLogs(
      UUID id, Phase phase, int step, int attempt, int afterLine, int size) {
    return transactions.read(c -> stepLogs.page(id, phase, step, attempt, afterLine, size + 1));
  }

  /** Keyset pagination on (created_at, id): a page costs the same at any depth. */
  public Page list(String app, String environment, int pageSize, String pageToken) {
    return list(new Filter(app, environment, "", "", ""), pageSize, pageToken);
  }

  /** What a page of history is narrowed to; an empty field narrows nothing. */
  public record Filter(
      String app, String environment, String status, String requestedBy, String version) {
    boolean onlyTarget() {
      return status.isEmpty() && requestedBy.isEmpty() && version.isEmpty();
    }
  }

  public Page list(Filter filter, int pageSize, String pageToken) {
    String app = filter.app();
    String environment = filter.environment();
    int size = pageSize <= 0 ? 50 : Math.min(pageSize, 500);
    KeysetCursor.Position<UUID> cursor =
        KeysetCursor.decode(
            pageToken,
            new KeysetCursor.Position<>(DeploymentRepository.NEWEST, DeploymentRepository.LAST_ID),
            UUID::fromString);
    Instant before = cursor.at();
    UUID beforeId = cursor.key();
    int limit = size + 1;
    List<StoredDeployment> page =
        transactions
            .read(
                c -> {
                  if (!filter.onlyTarget()) {
                    return repository.pageFiltered(
                        app,
                        environment,
                        filter.status(),
                        filter.requestedBy(),
                        filter.version(),
                        before,
                        beforeId,
                        limit);
                  } else if (!app.isEmpty() && !environment.isEmpty()) {
                    return repository.pageOfTarget(app, environment, before, beforeId, limit);
                  } else if (!app.isEmpty()) {
                    return repository.pageOfApp(app, before, beforeId, limit);
                  } else if (!environment.isEmpty()) {
                    return repository.pageOfEnvironment(environment, before, beforeId, limit);
                  }
                  return repository.pageOfAll(before, beforeId, limit);
                })
            .stream()
            .map(StoredDeployment::of)
            .toList();
    if (page.size() <= size) {
      return new Page(page, "");
    }
    StoredDeployment last = page.get(size - 1);
    return new Page(
        page.subList(0, size),
        new KeysetCursor(last.createdAt(), last.deployment().id().toString()).encode());
  }
}
