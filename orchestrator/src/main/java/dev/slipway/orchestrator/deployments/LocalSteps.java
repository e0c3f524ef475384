package dev.slipway.orchestrator.deployments;

import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Outcome;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.domain.Status;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.secrets.SecretStore;
import dev.slipway.orchestrator.targets.PlanFactory;
import dev.slipway.platform.db.DatabaseException;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.TargetKey;
import dev.slipway.platform.lease.Lease;
import dev.slipway.platform.logging.DeploymentLog;
import dev.slipway.platform.process.ChildProcess;
import dev.slipway.platform.process.CommandRunner;
import dev.slipway.platform.process.ProcessGroup;
import dev.slipway.platform.process.RunningWork;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.platform.tracing.Tracing;
import dev.slipway.proto.v1.CommandStep;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step driver for DEPLOY, SWITCH, WEIGHT and REVERT: runs the target's command for one attempt
 * (a canary's REVERT first sets the weight back to 0; a rolling release's runs once per instance of
 * the wave), keeps its output as step log lines, and feeds the result back into the state machine.
 * The command runs only while this runner holds the attempt's lease: a lost lease (a database away
 * too long, a cancelled deployment, an attempt taken over) stops it, and its result is then not
 * reported.
 */
@Singleton
public class LocalSteps {
  private static final Logger LOG = LoggerFactory.getLogger(LocalSteps.class);
  private static final int LOG_BATCH = 50;

  /**
   * The last output line is quoted in the phase's summary, which travels in events: keep it short.
   */
  private static final int LAST_LINE = 300;

  private final Transactions transactions;
  private final DeploymentRepository repository;
  private final Deployments deployments;
  private final StepLogs stepLogs;
  private final SecretStore secrets;
  private final Clock clock;
  private final Duration lease;
  private final Duration shutdownGrace;
  private final Tracer tracer;
  private final RunningWork work = new RunningWork();

  public LocalSteps(
      Transactions transactions,
      DeploymentRepository repository,
      Deployments deployments,
      StepLogs stepLogs,
      SecretStore secrets,
      Clock clock,
      Tracer tracer,
      @Value("${slipway.runner-lease:30s}") Duration lease,
      @Value("${slipway.shutdown.grace:20s}") Duration shutdownGrace) {
    this.tracer = tracer;
    this.shutdownGrace = shutdownGrace;
    this.transactions = transactions;
    this.repository = repository;
    this.deployments = deployments;
    this.stepLogs = stepLogs;
    this.secrets = secrets;
    this.clock = clock;
    this.lease = lease;
  }

  public void start(UUID deploymentId, LocalStep step) {
    Thread.ofVirtual()
        .name("step-" + step.phase() + "-" + deploymentId)
        .start(() -> run(deploymentId, step));
  }

  private void run(UUID id, LocalStep step) {
    try (DeploymentLog log = DeploymentLog.scope(id, null)) {
      StoredDeployment stored = transactions.read(c -> repository.find(id)).orElseThrow();
      DeploymentLog.target(
          TargetKey.of(stored.deployment().app(), stored.deployment().environment()));
      try (Tracing.Traced span =
          Tracing.start(
              tracer,
              "step " + step.phase(),
              SpanKind.INTERNAL,
              Tracing.parent(stored.traceparent().orElse(null)))) {
        span.span().setAttribute("slipway.attempt", step.attempt());
        runCurrent(id, step, stored);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // The lease lapses and the supervisor resumes the phase as a new attempt.
      LOG.error(
          "{} {} attempt {} could not run: {}", id, step.phase(), step.attempt(), e.toString());
    }
  }

  /** Runs the step under its lease, unless shutting down or another attempt is current. */
  private void runCurrent(UUID id, LocalStep step, StoredDeployment stored)
      throws InterruptedException {
    Status status = Status.running(step.phase());
    List<Run> commands = commands(stored, step);
    Duration timeout =
        commands.stream()
            .map(run -> PlanFactory.commandTimeout(run.command().getTimeout()))
            .reduce(Duration.ZERO, Duration::plus);
    StopSignal stop = StopSignal.after(timeout, clock);
    if (!work.begin(stop)) {
      // Shutting down: released, so that another replica, or this one restarted, resumes it.
      renew(id, step, status, clock.instant());
      return;
    }
    try {
      if (!renew(id, step, status, clock.instant().plus(lease))) {
        LOG.info(
            "{} {} attempt {} is no longer current; not running it",
            id,
            step.phase(),
            step.attempt());
        return;
      }
      if (step.attempt() > 1) {
        awaitEarlierAttemptGone(id, step);
      }
      runHeld(stored, step, commands, status, stop);
    } finally {
      work.end(stop);
    }
  }

  private void runHeld(
      StoredDeployment stored, LocalStep step, List<Run> commands, Status status, StopSignal stop)
      throws InterruptedException {
    UUID id = stored.deployment().id();
    CommandRunner.Outcome outcome;
    try (Lease held =
        Lease.hold(
            id + " " + step.phase() + " attempt " + step.attempt(),
            clock.instant().plus(lease),
            lease,
            clock,
            until -> renew(id, step, status, until),
            stop)) {
      outcome = executeAll(stored, step, commands, stop);
    }
    // A command that ended before the hand-back stopped it is reported as it ended.
    boolean lost = stop.leaseLost();
    if (lost && stop.handedBack() && outcome.stopped()) {
      // Released only once its processes are gone: a resumed attempt trusts that they are.
      boolean gone = commandGone(id);
      if (gone) {
        renew(id, step, status, clock.instant());
      }
      LOG.info(
          "{} {} attempt {}: {}; its command was stopped and the step {}",
          id,
          step.phase(),
          step.attempt(),
          stop.reason().orElse("handed back"),
          gone ? "handed back" : "left to its lease, since its processes survived");
      return;
    }
    if (lost && !stop.handedBack()) {
      LOG.warn(
          "{} {} attempt {}: {}; its command was stopped and its result is not reported",
          id,
          step.phase(),
          step.attempt(),
          stop.reason().orElse("lease lost"));
      return;
    }
    deployments.apply(
        id,
        new Input.StepResult(
            step.phase(),
            step.attempt(),
            outcome.succeeded()
                ? Outcome.SUCCEEDED
                : outcome.ran() ? Outcome.FAILED : Outcome.ERRORED,
            outcome.summary(),
            List.of(),
            step.step()),
        false);
  }

  /**
   * SIGTERM: no step starts any more; running commands get {@code slipway.shutdown.grace} to finish
   * and report, then are stopped and handed back (the runner lease released, so the phase resumes
   * as a new attempt at once elsewhere or after the restart).
   */
  @EventListener
  void onShutdown(ShutdownEvent event) throws InterruptedException {
    int handedBack = work.drain(shutdownGrace, "handed back: this orchestrator is shutting down");
    LOG.info("the orchestrator stopped taking steps; {} handed back", handedBack);
  }

  /**
   * A resumed attempt starts only once the earlier one's command is gone. On this host it is
   * stopped here; on another, its runner stopped it when its lease ran short, or its supervisor
   * when that runner died.
   */
  private void awaitEarlierAttemptGone(UUID id, LocalStep step) throws InterruptedException {
    var earlier = transactions.read(c -> repository.runner(id));
    if (earlier.isEmpty() || !ProcessGroup.supported()) {
      return;
    }
    if (!earlier.get().host().equals(ProcessGroup.host())) {
      LOG.info("{} {}: the earlier attempt ran on {}", id, step.phase(), earlier.get().host());
      return;
    }
    long session = earlier.get().session();
    if (ProcessGroup.alive(session)) {
      LOG.warn(
          "{} {}: the earlier attempt's command (session {}) still runs; stopping it first",
          id,
          step.phase(),
          session);
      if (!ProcessGroup.terminate(session, ChildProcess.GRACE)) {
        throw new IllegalStateException(
            "the earlier attempt's processes (session " + session + ") survived SIGKILL");
      }
    }
  }

  /** Whether the processes the step's command started on this host are all gone. */
  private boolean commandGone(UUID id) {
    return transactions
        .read(c -> repository.runner(id))
        .filter(runner -> runner.host().equals(ProcessGroup.host()))
        .map(runner -> !ProcessGroup.supported() || !ProcessGroup.alive(runner.session()))
        .orElse(true);
  }

  /**
   * One command of a local step: the target's command for a phase, put to one instance of a rolling
   * release, or a canary's setWeight.
   */
  private record Run(CommandStep command, boolean settingWeight, String instance) {}

  /**
   * The commands of a local step, run in order while each succeeds: its own, after setting the
   * weight back to 0 for the REVERT of a canary that had set one, or once per instance of a rolling
   * release's wave (its DEPLOY) or of the waves released so far (its REVERT).
   */
  private static List<Run> commands(StoredDeployment stored, LocalStep step) {
    CommandStep own = command(stored, step);
    Deployment d = stored.deployment();
    if (d.plan().rolling().enabled() && d.plan().rolling().byWave(step.phase())) {
      return d.instancesFor(step.phase(), step.step()).stream()
          .map(instance -> new Run(own, false, instance))
          .toList();
    }
    Run run = new Run(own, step.phase() == Phase.WEIGHT, "");
    return unweights(stored, step)
        ? List.of(new Run(setWeight(stored), true, ""), run)
        : List.of(run);
  }

  private static boolean unweights(StoredDeployment stored, LocalStep step) {
    Deployment d = stored.deployment();
    return step.phase() == Phase.REVERT && d.plan().canary().enabled() && d.step() > 0;
  }

  private static CommandStep setWeight(StoredDeployment stored) {
    return stored.spec().getStrategy().getCanary().getSetWeight();
  }

  /**
   * The command of a local step: a switch (blue-green's SWITCH, and its REVERT, which switches
   * back), a canary's setWeight, the rollback command of a REVERT when the spec has one, else the
   * deploy command.
   */
  private static CommandStep command(StoredDeployment stored, LocalStep step) {
    if (switches(stored, step)) {
      return stored.spec().getStrategy().getBlueGreen().getSwitch();
    }
    if (step.phase() == Phase.WEIGHT) {
      return setWeight(stored);
    }
    boolean ownRollback = step.phase() == Phase.REVERT && stored.spec().hasRollback();
    return ownRollback ? stored.spec().getRollback() : stored.spec().getDeploy();
  }

  private static boolean switches(StoredDeployment stored, LocalStep step) {
    return step.phase() == Phase.SWITCH
        || (step.phase() == Phase.REVERT && stored.deployment().plan().blueGreen());
  }

  /** Runs the commands in order into one log, stopping at the first that does not succeed. */
  private CommandRunner.Outcome executeAll(
      StoredDeployment stored, LocalStep step, List<Run> runs, StopSignal stop)
      throws InterruptedException {
    LineSink sink = new LineSink(stored.deployment().id(), step);
    CommandRunner.Outcome outcome = null;
    for (int i = 0; i < runs.size(); i++) {
      Run run = runs.get(i);
      if (i > 0 && stop.stopped()) {
        // The lease or the deadline ran out between the commands: the next one never starts.
        return new CommandRunner.Outcome(
            false,
            true,
            true,
            doneBefore(runs, i)
                + ", then stopped before "
                + what(run)
                + ": "
                + stop.reason().orElse("stopped"),
            -1);
      }
      if (!run.instance().isEmpty()) {
        sink.accept("== instance " + run.instance() + " ==");
      }
      outcome = execute(stored, step, run, stop, sink);
      if (!outcome.succeeded()) {
        if (!run.instance().isEmpty()) {
          return outcome.withPrefix(
              "instance "
                  + run.instance()
                  + (i > 0 ? " (" + doneBefore(runs, i) + ")" : "")
                  + ": ");
        }
        return run.settingWeight() && step.phase() == Phase.REVERT
            ? outcome.withPrefix("setting the weight back to 0: ")
            : outcome;
      }
    }
    return outcome;
  }

  /** What the runs before {@code index} did, for a step that stopped there. */
  private static String doneBefore(List<Run> runs, int index) {
    if (runs.getFirst().instance().isEmpty()) {
      return "the weight went back to 0";
    }
    return String.join(", ", runs.subList(0, index).stream().map(Run::instance).toList()) + " done";
  }

  private static String what(Run run) {
    return run.instance().isEmpty() ? "the revert" : "instance " + run.instance();
  }

  private CommandRunner.Outcome execute(
      StoredDeployment stored, LocalStep step, Run run, StopSignal stop, LineSink sink)
      throws InterruptedException {
    Deployment d = stored.deployment();
    CommandStep command = run.command();
    boolean settingWeight = run.settingWeight();
    boolean ownRollback =
        step.phase() == Phase.REVERT
            && (stored.spec().hasRollback() || switches(stored, step) || settingWeight);
    boolean revert = step.phase() == Phase.REVERT;
    // A canary's way back sets the weight to 0 before anything else.
    int weight = step.phase() == Phase.WEIGHT ? d.weightAt(step.step()) : 0;
    // Reverting with the deploy command deploys the previous version; a rollback command is told
    // both.
    String version = revert && !ownRollback ? d.previousVersion() : d.version();
    String previous = revert && !ownRollback ? d.version() : d.previousVersion();
    Map<String, String> values =
        Map.of(
            "slot",
            d.slotFor(step.phase()),
            "version",
            version,
            "previousVersion",
            previous,
            "deploymentId",
            d.id().toString(),
            "app",
            d.app(),
            "environment",
            d.environment(),
            "attempt",
            Integer.toString(step.attempt()),
            "weight",
            settingWeight ? Integer.toString(weight) : "",
            "instance",
            run.instance());
    List<String> argv =
        command.getCommandList().stream().map(arg -> Placeholders.substitute(arg, values)).toList();
    Path workdir = command.getWorkdir().isEmpty() ? null : Path.of(command.getWorkdir());
    Map<String, String> env = new HashMap<>(command.getEnvMap());
    List<String> secretValues = new ArrayList<>();
    for (Map.Entry<String, String> variable : command.getSecretEnvMap().entrySet()) {
      String value;
      try {
        value = new String(secrets.reveal(variable.getValue()), StandardCharsets.UTF_8);
      } catch (NotFound e) {
        return CommandRunner.Outcome.couldNotRun(
            "cannot run: " + e.getMessage() + " (env " + variable.getKey() + ")");
      }
      env.put(variable.getKey(), value);
      secretValues.add(value);
    }
    sink.mask(new Masking(secretValues));
    LOG.info(
        "{} {} attempt {}: running {} with {} argument(s)",
        d.id(),
        step.phase(),
        step.attempt(),
        argv.getFirst(),
        argv.size() - 1);
    CommandRunner.Outcome outcome =
        CommandRunner.run(
            argv,
            workdir,
            env,
            stop,
            session ->
                transactions.inTransaction(
                    c -> {
                      repository.recordRunner(d.id(), step.attempt(), ProcessGroup.host(), session);
                      return null;
                    }),
            sink::accept);
    sink.flush();
    return outcome.succeeded() ? outcome : outcome.withSummary(sink.lastLine());
  }

  private boolean renew(UUID id, LocalStep step, Status status, java.time.Instant until) {
    return transactions.inTransaction(
        c -> repository.renewLease(id, step.step(), step.attempt(), status, until));
  }

  /** Buffers output lines and writes them in batches. */
  private final class LineSink {
    private final UUID id;
    private final LocalStep step;
    private Masking masking = new Masking(List.of());
    private final List<String> pending = new ArrayList<>();
    private int written;
    private String last = "";

    LineSink(UUID id, LocalStep step) {
      this.id = id;
      this.step = step;
    }

    /** Masks the secrets of the command about to run. */
    synchronized void mask(Masking secrets) {
      masking = secrets;
      last = "";
    }

    synchronized void accept(String output) {
      String line = masking.apply(output);
      if (!line.isBlank()) {
        last = line.length() > LAST_LINE ? line.substring(0, LAST_LINE) + "…" : line;
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
      try {
        transactions.inTransaction(
            c -> {
              stepLogs.append(
                  id,
                  step.phase(),
                  step.step(),
                  step.attempt(),
                  written + 1,
                  pending,
                  clock.instant());
              return null;
            });
        written += pending.size();
        pending.clear();
      } catch (DatabaseException e) {
        // Kept for the next batch; the output goes on being read either way, so the command never
        // blocks.
        LOG.warn(
            "{} {}: cannot store {} log line(s) yet: {}",
            id,
            step.phase(),
            pending.size(),
            e.getMessage());
      }
    }

    synchronized String lastLine() {
      return last.isEmpty() ? "" : "; last output: " + last;
    }
  }
}
