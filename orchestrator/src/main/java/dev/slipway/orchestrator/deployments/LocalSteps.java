package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.domain.Status;
import dev.slipway.orchestrator.targets.PlanFactory;
import dev.slipway.platform.db.Transactions;
import dev.slipway.proto.v1.CommandStep;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.secrets.SecretStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step driver for DEPLOY and REVERT: runs the target's command for one attempt, keeps its
 * output as step log lines, renews the runner lease while it runs, and feeds the result back into
 * the state machine.
 */
@Singleton
public class LocalSteps {
  private static final Logger LOG = LoggerFactory.getLogger(LocalSteps.class);
  private static final int LOG_BATCH = 50;

  private final Transactions transactions;
  private final DeploymentRepository repository;
  private final Deployments deployments;
  private final StepLogs stepLogs;
  private final SecretStore secrets;
  private final Clock clock;
  private final Duration lease;
  private final ScheduledExecutorService leaseRenewer = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().daemon().name("runner-lease").factory());

  public LocalSteps(
      Transactions transactions,
      DeploymentRepository repository,
      Deployments deployments,
      StepLogs stepLogs,
      SecretStore secrets,
      Clock clock,
      @Value("${slipway.runner-lease:30s}") Duration lease) {
    this.transactions = transactions;
    this.repository = repository;
    this.deployments = deployments;
    this.stepLogs = stepLogs;
    this.secrets = secrets;
    this.clock = clock;
    this.lease = lease;
  }

  public void start(UUID deploymentId, LocalStep step) {
    Thread.ofVirtual().name("step-" + step.phase() + "-" + deploymentId).start(() -> run(deploymentId, step));
  }

  private void run(UUID id, LocalStep step) {
    StoredDeployment stored = transactions.read(c -> repository.find(c, id)).orElseThrow();
    Status status = Status.running(step.phase());
    ScheduledFuture<?> renewal = leaseRenewer.scheduleAtFixedRate(
        () -> renew(id, step, status), lease.toMillis() / 3, lease.toMillis() / 3, TimeUnit.MILLISECONDS);
    try {
      CommandRunner.Outcome outcome = execute(stored, step);
      deployments.apply(id, new Input.StepResult(step.phase(), step.attempt(), outcome.succeeded(),
          outcome.summary()), false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      renewal.cancel(false);
    }
  }

  private CommandRunner.Outcome execute(StoredDeployment stored, LocalStep step) throws InterruptedException {
    Deployment d = stored.deployment();
    boolean revert = step.phase() == Phase.REVERT;
    boolean ownRollback = revert && stored.spec().hasRollback();
    CommandStep command = ownRollback ? stored.spec().getRollback() : stored.spec().getDeploy();
    // Reverting with the deploy command deploys the previous version; a rollback command is told both.
    String version = revert && !ownRollback ? d.previousVersion() : d.version();
    String previous = revert && !ownRollback ? d.version() : d.previousVersion();
    Map<String, String> values = Map.of(
        "version", version, "previousVersion", previous, "deploymentId", d.id().toString(),
        "app", d.app(), "environment", d.environment());
    List<String> argv = command.getCommandList().stream().map(arg -> Placeholders.substitute(arg, values)).toList();
    Path workdir = command.getWorkdir().isEmpty() ? null : Path.of(command.getWorkdir());
    Map<String, String> env = new HashMap<>(command.getEnvMap());
    List<String> secretValues = new ArrayList<>();
    for (Map.Entry<String, String> variable : command.getSecretEnvMap().entrySet()) {
      String value;
      try {
        value = new String(secrets.reveal(variable.getValue()), StandardCharsets.UTF_8);
      } catch (NotFound e) {
        return new CommandRunner.Outcome(false, "cannot run: " + e.getMessage() + " (env " + variable.getKey() + ")");
      }
      env.put(variable.getKey(), value);
      secretValues.add(value);
    }
    LineSink sink = new LineSink(d.id(), step, new Masking(secretValues));
    LOG.info("{} {} attempt {}: running {} with {} argument(s)", d.id(), step.phase(), step.attempt(),
        argv.getFirst(), argv.size() - 1);
    CommandRunner.Outcome outcome = CommandRunner.run(
        argv, workdir, env, PlanFactory.commandTimeout(command.getTimeout()), sink::accept);
    sink.flush();
    return outcome.succeeded() ? outcome : new CommandRunner.Outcome(false, outcome.summary() + sink.lastLine());
  }

  private void renew(UUID id, LocalStep step, Status status) {
    transactions.read(c -> repository.renewLease(c, id, step.attempt(), status, clock.instant().plus(lease)));
  }

  /** Buffers output lines and writes them in batches. */
  private final class LineSink {
    private final UUID id;
    private final LocalStep step;
    private final Masking masking;
    private final List<String> pending = new ArrayList<>();
    private int written;
    private String last = "";

    LineSink(UUID id, LocalStep step, Masking masking) {
      this.id = id;
      this.step = step;
      this.masking = masking;
    }

    synchronized void accept(String output) {
      String line = masking.apply(output);
      if (!line.isBlank()) {
        last = line;
      }
      if (written + pending.size() >= StepLogs.MAX_LINES) {
        return;
      }
      pending.add(line);
      if (pending.size() >= LOG_BATCH) {
        flush();
      }
    }

    synchronized void flush() {
      stepLogs.append(id, step.phase(), step.attempt(), written + 1, pending);
      written += pending.size();
      pending.clear();
    }

    synchronized String lastLine() {
      return last.isEmpty() ? "" : "; last output: " + last;
    }
  }
}
