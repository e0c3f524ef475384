package dev.slipway.orchestrator.gates;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The {@code approvals} table; written in the transaction that counts the approval. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApprovalRepository extends GenericRepository<ApprovalRow, ApprovalRow.Key> {

  @Query(
      """
      insert into approvals (deployment_id, approver, comment, approved_at)
      values (:deploymentId, :approver, :comment, :at)""")
  void add(UUID deploymentId, String approver, String comment, Instant at);

  @Query("select * from approvals where deployment_id = :deploymentId order by approved_at")
  List<ApprovalRow> of(UUID deploymentId);

  /** Who approved, in order. */
  default List<String> approvers(UUID deploymentId) {
    return of(deploymentId).stream().map(row -> row.key().approver()).toList();
  }
}
