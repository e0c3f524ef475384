package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Decision;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.TargetKey;
import dev.slipway.platform.logging.DeploymentLog;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every unfinished deployment moving: fails phases whose deadline passed, resumes local
 * phases whose runner died as a new attempt (at once when its process was on this host and is gone,
 * otherwise when its lease expired), wakes waits whose time came (an approval expires, a freeze
 * ends), and starts a queue whose target is free. This is how a restarted orchestrator, or another
 * replica, picks up where a dead one stopped.
 */
@Singleton
public class Supervisor {
  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
  private final Transactions transactions;
  private final DeploymentRepository repository;
  private final Deployments deployments;
  private final Clock clock;

  public Supervisor(
      Transactions transactions,
      DeploymentRepository repository,
      Deployments deployments,
      Clock clock) {
    this.transactions = transactions;
    this.repository = repository;
    this.deployments = deployments;
    this.clock = clock;
  }

  private volatile boolean stopped;

  /** SIGTERM: nothing more is resumed or started here; another replica, or the restart, does it. */
  @EventListener
  @Order(Ordered.HIGHEST_PRECEDENCE)
  void onShutdown(ShutdownEvent event) {
    stopped = true;
  }

  @Scheduled(fixedDelay = "1s", initialDelay = "1s")
  void supervise() {
    if (stopped) {
      return;
    }
    try {
      // A runner that died is resumed first: its attempt may also be past its deadline, and that
      // is the orchestrator's failure, not the release's.
      String host = LeaseHolder.SELF.host();
      for (var held : transactions.read(c -> repository.leasesHeldOnHost(host, clock.instant()))) {
        if (held.holder().goneFromThisHost()) {
          resume(held.id(), "its orchestrator process " + held.process() + " is gone");
        }
      }
      for (UUID id : transactions.read(c -> repository.withExpiredRunnerLease(clock.instant()))) {
        resume(id, "its lease expired: its orchestrator stopped renewing it");
      }
      for (UUID id : transactions.read(c -> repository.pastDeadline(clock.instant()))) {
        feed(
            id,
            current(id)
                .<Input>map(p -> new Input.DeadlinePassed(p.phase(), p.attempt(), p.step()))
                .orElse(new Input.Wake()));
      }
      for (UUID id : transactions.read(c -> repository.held())) {
        feed(id, new Input.Wake());
      }
      for (UUID id : transactions.read(c -> repository.queueHeadsOfFreeTargets())) {
        feed(id, new Input.Start());
      }
    } catch (DatabaseException e) {
      LOG.warn("supervisor cannot reach the database: {}", e.getMessage());
    }
  }

  private record PhaseAndAttempt(Phase phase, int attempt, int step) {}

  private void resume(UUID id, String why) {
    current(id).ifPresent(p -> feed(id, new Input.Resume(p.phase(), p.attempt(), why, p.step())));
  }

  private java.util.Optional<PhaseAndAttempt> current(UUID id) {
    return transactions
        .read(c -> repository.find(id))
        .flatMap(
            s ->
                s.deployment()
                    .status()
                    .phase()
                    .map(
                        p ->
                            new PhaseAndAttempt(
                                p, s.deployment().attempt(), s.deployment().stepOf(p))));
  }

  /** One deployment's input; its failure is logged and the others still get theirs. */
  private void feed(UUID id, Input input) {
    try (DeploymentLog log = DeploymentLog.scope(id, null)) {
      Decision decision = deployments.apply(id, input, true);
      if (decision instanceof Decision.Transition transition) {
        DeploymentLog.target(
            TargetKey.of(transition.next().app(), transition.next().environment()));
        LOG.info("deployment {}: {}", id, input);
      } else {
        LOG.debug("deployment {}: {} changed nothing: {}", id, input, decision);
      }
    } catch (Refused e) {
      LOG.debug("deployment {}: {} refused: {}", id, input, e.getMessage());
    } catch (DatabaseException e) {
      LOG.warn("deployment {}: {} not applied: {}", id, input, e.getMessage());
    }
  }
}
