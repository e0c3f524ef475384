package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.DeploymentEvent;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Outcome;
import dev.slipway.orchestrator.domain.Phase;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code phases} of deployments and the evidence behind each verdict ({@code phase_evidence}).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface PhaseRepository extends GenericRepository<PhaseEntry, PhaseEntry.Key> {

  @Query(
      """
      insert into phases (deployment_id, phase, step, attempt, outcome, summary, started_at)
      values (:deploymentId, :phase, :step, :attempt, 'RUNNING', '', :now)""")
  void started(UUID deploymentId, Phase phase, int step, int attempt, Instant now);

  @Query(
      """
      update phases set outcome = :outcome, summary = :summary, finished_at = :now
      where deployment_id = :deploymentId and phase = :phase and step = :step and attempt = :attempt""")
  void completed(
      UUID deploymentId,
      Phase phase,
      int step,
      int attempt,
      Outcome outcome,
      String summary,
      Instant now);

  @Query(
      """
      select started_at from phases
      where deployment_id = :deploymentId and phase = :phase and step = :step and attempt = :attempt""")
  Optional<Instant> startedAt(UUID deploymentId, Phase phase, int step, int attempt);

  /** Keeps the phases table in step with the events of a transition. */
  default void record(UUID deploymentId, List<DeploymentEvent> events, Instant now) {
    for (DeploymentEvent event : events) {
      switch (event) {
        case DeploymentEvent.PhaseStarted s ->
            started(deploymentId, s.phase(), s.step(), s.attempt(), now);
        case DeploymentEvent.PhaseCompleted c ->
            completed(
                deploymentId, c.phase(), c.step(), c.attempt(), c.outcome(), c.summary(), now);
        default -> {}
      }
    }
  }

  @Query(
      """
      select * from phases where deployment_id = :deploymentId order by started_at, step, attempt""")
  List<PhaseEntry> ofDeployment(UUID deploymentId);

  @Query(
      """
      insert into phase_evidence (deployment_id, phase, step, attempt, position, name, passed, detail)
      values (:deploymentId, :phase, :step, :attempt, :position, :name, :passed, :detail)
      on conflict do nothing""")
  void addEvidence(
      UUID deploymentId,
      Phase phase,
      int step,
      int attempt,
      int position,
      String name,
      boolean passed,
      String detail);

  /** Keeps what the worker looked at beside the phase attempt it reported. */
  default void recordEvidence(UUID deploymentId, Input.StepResult result) {
    int position = 0;
    for (Input.Evidence evidence : result.evidence()) {
      addEvidence(
          deploymentId,
          result.phase(),
          result.step(),
          result.attempt(),
          position++,
          evidence.name(),
          evidence.passed(),
          evidence.detail());
    }
  }

  /** One observation as stored. */
  @Introspected
  record EvidenceRow(String name, boolean passed, String detail) {}

  @Query(
      """
      select name, passed, detail from phase_evidence
      where deployment_id = :deploymentId and phase = :phase and step = :step and attempt = :attempt order by position""")
  List<EvidenceRow> evidenceRows(UUID deploymentId, Phase phase, int step, int attempt);

  /** What failed in the phase that sent a deployment back: the checks that did not pass. */
  @Query(
      """
      select e.name, e.passed, e.detail from phase_evidence e
        join phases p using (deployment_id, phase, step, attempt)
      where e.deployment_id = :deploymentId and p.outcome = 'FAILED' and not e.passed
        and p.phase in ('DEPLOY', 'VERIFY', 'SWITCH', 'VERIFY_LIVE', 'WEIGHT', 'ANALYSIS', 'BAKE')
      order by p.started_at, e.position limit 50""")
  List<EvidenceRow> failedEvidence(UUID deploymentId);

  /** The evidence of one phase attempt, in the order it was reported. */
  default List<Input.Evidence> evidence(UUID deploymentId, Phase phase, int step, int attempt) {
    return evidenceRows(deploymentId, phase, step, attempt).stream()
        .map(e -> new Input.Evidence(e.name(), e.passed(), e.detail()))
        .toList();
  }
}
