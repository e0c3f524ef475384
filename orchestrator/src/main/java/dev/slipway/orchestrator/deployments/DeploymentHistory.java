package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.platform.db.Transactions;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Reads deployments for the API: one with its phases and logs, or pages of them, newest first. */
@Singleton
public class DeploymentHistory {
  private final Transactions transactions;
  private final DeploymentRepository repository;
  private final PhaseRepository phases;
  private final StepLogs stepLogs;

  public DeploymentHistory(
      Transactions transactions,
      DeploymentRepository repository,
      PhaseRepository phases,
      StepLogs stepLogs) {
    this.transactions = transactions;
    this.repository = repository;
    this.phases = phases;
    this.stepLogs = stepLogs;
  }

  /** One attempt of one phase, as the API shows it. */
  public record PhaseRow(
      String phase,
      int attempt,
      String outcome,
      String summary,
      Instant startedAt,
      Instant finishedAt,
      List<String> logTail,
      int logLines,
      List<Input.Evidence> evidence) {}

  /** A deployment with its phases. */
  public record Detail(StoredDeployment deployment, List<PhaseRow> phases) {}

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
            int attempt = entry.key().attempt();
            rows.add(
                new PhaseRow(
                    phase.name(),
                    attempt,
                    entry.outcome(),
                    entry.summary(),
                    entry.startedAt(),
                    entry.finishedAt(),
                    logTail <= 0
                        ? List.of()
                        : stepLogs.tail(id, phase, attempt, logTail).stream()
                            .map(StepLogs.Line::text)
                            .toList(),
                    (int) stepLogs.count(id, phase, attempt),
                    phases.evidence(id, phase, attempt)));
          }
          return new Detail(stored, rows);
        });
  }

  /** A page of a phase attempt's output (one line more than asked, to tell whether more exist). */
  public List<StepLogs.Line> stepLogs(UUID id, Phase phase, int attempt, int afterLine, int size) {
    return transactions.read(c -> stepLogs.page(id, phase, attempt, afterLine, size + 1));
  }

  /** Keyset pagination on (created_at, id): a page costs the same at any depth. */
  public Page list(String app, String environment, int pageSize, String pageToken) {
    int size = pageSize <= 0 ? 50 : Math.min(pageSize, 500);
    Cursor cursor = Cursor.decode(pageToken);
    Instant before = cursor == null ? DeploymentRepository.NEWEST : cursor.createdAt();
    UUID beforeId = cursor == null ? DeploymentRepository.LAST_ID : cursor.id();
    int limit = size + 1;
    List<StoredDeployment> page =
        transactions
            .read(
                c -> {
                  if (!app.isEmpty() && !environment.isEmpty()) {
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
        page.subList(0, size), new Cursor(last.createdAt(), last.deployment().id()).encode());
  }

  private record Cursor(Instant createdAt, UUID id) {
    String encode() {
      String raw = createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token) {
      if (token.isEmpty()) {
        return null;
      }
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":");
        Instant createdAt =
            Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        if (createdAt.isBefore(Instant.EPOCH) || createdAt.isAfter(DeploymentRepository.NEWEST)) {
          throw new IllegalArgumentException("out of range");
        }
        return new Cursor(createdAt, UUID.fromString(parts[2]));
      } catch (IllegalArgumentException
          | ArrayIndexOutOfBoundsException
          | java.time.DateTimeException
          | ArithmeticException e) {
        throw new InvalidInput("page_token", "is not a token from a previous response");
      }
    }
  }
}
