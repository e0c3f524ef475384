package dev.slipway.orchestrator.targets;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code targets} table. Called inside {@code Transactions} work, each query takes part in that
 * transaction (a deployment's transition records the version now running in the same commit).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface TargetRepository extends GenericRepository<TargetRow, TargetRow.Key> {
  String VIEW =
      """
      select t.spec_json, t.revision, t.updated_at, t.current_version,
        d.id as last_deployment_id, d.version as last_version, d.status as last_status,
        d.requested_by as last_requested_by, d.created_at as last_created_at,
        d.reason as last_reason,
        l.since as current_since, l.deployed_by as current_deployed_by,
        l.health as current_health, l.health_since as current_health_since,
        l.health_summary as current_health_summary, l.watched as current_watched,
        (select slot from ledger o where o.app = t.app and o.environment = t.environment
          and o.until is null) as current_slot
      from targets t left join lateral (
        select id, version, status, requested_by, created_at, reason from deployments
          where app = t.app and environment = t.environment
          order by created_at desc, id desc limit 1) d on true
      left join lateral (
        select since, deployed_by, health, health_since, health_summary,
          watched and until is null as watched from ledger where app = t.app and environment = t.environment
          and version = t.current_version order by since desc, id desc limit 1) l on true""";

  /** Inserts or replaces a target, bumping its revision. */
  @Query(
      """
      insert into targets (app, environment, spec_json, revision, updated_at) values (:app, :environment, :specJson, 1, :now)
      on conflict (app, environment) do update
      set spec_json = excluded.spec_json, revision = targets.revision + 1, updated_at = excluded.updated_at""")
  void upsert(String app, String environment, String specJson, Instant now);

  @Query(VIEW + " where t.app = :app and t.environment = :environment")
  Optional<TargetRow.View> findView(String app, String environment);

  @Query(
      VIEW
          + " where (t.app, t.environment) > (:app, :environment) order by t.app, t.environment limit :limit")
  List<TargetRow.View> listViewsAfter(String app, String environment, int limit);

  /** The target, if registered. */
  default Optional<StoredTarget> find(String app, String environment) {
    return findView(app, environment).map(StoredTarget::of);
  }

  /**
   * Up to {@code limit} targets after (app, environment), in that order: keyset paging on the
   * primary key.
   */
  default List<StoredTarget> listAfter(String app, String environment, int limit) {
    return listViewsAfter(app, environment, limit).stream().map(StoredTarget::of).toList();
  }

  /** Records the version that now runs on the target after a successful deployment. */
  @Query(
      "update targets set current_version = :version where app = :app and environment = :environment")
  void setCurrentVersion(String app, String environment, String version);
}
