package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.platform.db.Transactions;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
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
  private final StepLogs stepLogs;

  public DeploymentHistory(
      Transactions transactions, DeploymentRepository repository, StepLogs stepLogs) {
    this.transactions = transactions;
    this.repository = repository;
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
              repository.find(c, id).orElseThrow(() -> new NotFound("no deployment " + id));
          List<PhaseRow> phases = new ArrayList<>();
          try (PreparedStatement select =
              c.prepareStatement(
                  "select phase, attempt, outcome, summary, started_at, finished_at from phases"
                      + " where deployment_id = ? order by started_at, attempt")) {
            select.setObject(1, id);
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                String phase = rows.getString(1);
                int attempt = rows.getInt(2);
                Timestamp finished = rows.getTimestamp(6);
                phases.add(
                    new PhaseRow(
                        phase,
                        attempt,
                        rows.getString(3),
                        rows.getString(4),
                        rows.getTimestamp(5).toInstant(),
                        finished == null ? null : finished.toInstant(),
                        stepLogs.tail(c, id, phase, attempt, logTail),
                        stepLogs.count(c, id, phase, attempt),
                        repository.evidence(c, id, phase, attempt)));
              }
            }
          }
          return new Detail(stored, phases);
        });
  }

  /** A page of a phase attempt's output (one line more than asked, to tell whether more exist). */
  public List<StepLogs.Line> stepLogs(UUID id, String phase, int attempt, int afterLine, int size) {
    return transactions.read(c -> stepLogs.page(c, id, phase, attempt, afterLine, size));
  }

  /** Keyset pagination on (created_at, id): a page costs the same at any depth. */
  public Page list(String app, String environment, int pageSize, String pageToken) {
    int size = pageSize <= 0 ? 50 : Math.min(pageSize, 500);
    Cursor cursor = Cursor.decode(pageToken);
    return transactions.read(
        c -> {
          StringBuilder sql = new StringBuilder("select * from deployments where true");
          List<Object> args = new ArrayList<>();
          if (!app.isEmpty()) {
            sql.append(" and app = ?");
            args.add(app);
          }
          if (!environment.isEmpty()) {
            sql.append(" and environment = ?");
            args.add(environment);
          }
          if (cursor != null) {
            sql.append(" and (created_at, id) < (?, ?)");
            args.add(Timestamp.from(cursor.createdAt()));
            args.add(cursor.id());
          }
          sql.append(" order by created_at desc, id desc limit ").append(size + 1);
          try (PreparedStatement select = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
              select.setObject(i + 1, args.get(i));
            }
            List<StoredDeployment> page = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
              while (rows.next()) {
                page.add(DeploymentRepository.map(rows));
              }
            }
            if (page.size() <= size) {
              return new Page(page, "");
            }
            StoredDeployment last = page.get(size - 1);
            return new Page(
                page.subList(0, size),
                new Cursor(last.createdAt(), last.deployment().id()).encode());
          }
        });
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
        return new Cursor(
            Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
            UUID.fromString(parts[2]));
      } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException e) {
        throw new InvalidInput("page_token", "is not a token from a previous response");
      }
    }
  }
}
