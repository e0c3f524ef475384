package dev.slipway.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.orchestrator.domain.Decision.Ignored;
import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Decision.Refused;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.DeploymentEvent.Finished;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseCompleted;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseStarted;
import dev.slipway.orchestrator.domain.DeploymentEvent.Requested;
import dev.slipway.orchestrator.domain.Input.Cancel;
import dev.slipway.orchestrator.domain.Input.DeadlinePassed;
import dev.slipway.orchestrator.domain.Input.Resume;
import dev.slipway.orchestrator.domain.Input.Start;
import dev.slipway.orchestrator.domain.Input.StepResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every (state, input) pair of every plan shape, against an oracle written another way than the
 * machine: the lifecycle as two lists of phases (the way forward, the way back) and the reasons as
 * literal text. Each pair is checked for its whole decision: the next status, attempt and reason,
 * every event in order, the local step, and the refusal or the no-op.
 */
class DeploymentMachineTableTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final String FIRST_FAILURE = "VERIFY failed: boom";
  private static final long SEQUENCE = 7;

  /** One plan shape, and whether its backup was taken (it is, once BACKUP passed). */
  private record Shape(
      boolean preflight, boolean backup, boolean restore, boolean checks, boolean revertible) {
    Plan plan() {
      Map<Phase, Duration> timeouts = new EnumMap<>(Phase.class);
      for (Phase phase : Phase.values()) {
        timeouts.put(phase, timeout(phase));
      }
      return new Plan(preflight, backup, restore, checks, revertible, timeouts);
    }

    List<Phase> forward() {
      List<Phase> path = new ArrayList<>();
      if (preflight) path.add(Phase.PREFLIGHT);
      if (backup) path.add(Phase.BACKUP);
      path.add(Phase.DEPLOY);
      if (checks) path.add(Phase.VERIFY);
      return path;
    }

    List<Phase> back(boolean backupTaken) {
      List<Phase> path = new ArrayList<>();
      if (restore && backupTaken) {
        path.add(Phase.SNAPSHOT);
        path.add(Phase.RESTORE);
      }
      if (revertible) {
        path.add(Phase.REVERT);
        if (checks) path.add(Phase.VERIFY_ROLLBACK);
      }
      return path;
    }

    /** The statuses a deployment of this shape can stand in, with whether its backup is taken. */
    Set<Standing> reachable() {
      Set<Standing> all = new LinkedHashSet<>();
      all.add(new Standing(Status.REQUESTED, false));
      for (Phase phase : forward()) {
        all.add(
            new Standing(
                Status.running(phase), backup && phase.ordinal() > Phase.BACKUP.ordinal()));
      }
      for (boolean taken : backup ? new boolean[] {false, true} : new boolean[] {false}) {
        back(taken).forEach(phase -> all.add(new Standing(Status.running(phase), taken)));
      }
      for (Status status : Status.values()) {
        if (status.terminal()) all.add(new Standing(status, false));
      }
      return all;
    }
  }

  private record Standing(Status status, boolean backupTaken) {
    boolean rollingBack() {
      return status.phase().map(p -> p.ordinal() >= Phase.SNAPSHOT.ordinal()).orElse(false);
    }
  }

  /** What the oracle expects: a transition to this status with these events, or none. */
  private sealed interface Expected {
    record Moves(Status to, int attempt, String reason, List<DeploymentEvent> events)
        implements Expected {}

    record Refuses() implements Expected {}

    record Ignores() implements Expected {}
  }

  @Test
  void everyPairOfEveryPlanShapeDecidesAsTheTableSays() {
    int pairs = 0;
    for (Shape shape : shapes()) {
      for (Standing standing : shape.reachable()) {
        Deployment deployment = deployment(shape, standing);
        for (Input input : inputs()) {
          String pair = shape + " " + standing + " + " + input;
          check(
              pair,
              deployment,
              DeploymentMachine.decide(deployment, input, NOW),
              expected(shape, standing, input));
          pairs++;
        }
      }
    }
    assertThat(pairs).as("pairs walked").isGreaterThanOrEqualTo(32 * 8 * inputs().size());
  }

  private static void check(String pair, Deployment before, Decision decision, Expected expected) {
    switch (expected) {
      case Expected.Refuses r -> assertThat(decision).as(pair).isInstanceOf(Refused.class);
      case Expected.Ignores i -> assertThat(decision).as(pair).isInstanceOf(Ignored.class);
      case Expected.Moves moves -> {
        assertThat(decision).as(pair).isInstanceOf(Transition.class);
        Transition t = (Transition) decision;
        assertThat(t.events()).as(pair + " events").containsExactlyElementsOf(moves.events());
        assertThat(t.next().status()).as(pair + " status").isEqualTo(moves.to());
        assertThat(t.next().reason()).as(pair + " reason").isEqualTo(moves.reason());
        assertThat(t.next().lastSequence())
            .as(pair + " sequence")
            .isEqualTo(SEQUENCE + moves.events().size());
        Optional<Phase> running = moves.to().phase();
        assertThat(t.next().deadline())
            .as(pair + " deadline")
            .isEqualTo(running.map(DeploymentMachineTableTest::deadline).orElse(null));
        if (running.isPresent()) {
          assertThat(t.next().attempt()).as(pair + " attempt").isEqualTo(moves.attempt());
        }
        assertThat(t.localStep())
            .as(pair + " local step")
            .isEqualTo(
                running
                    .filter(Phase::runsLocally)
                    .map(phase -> new LocalStep(phase, moves.attempt())));
        boolean tookBackup =
            before.backupTaken()
                || (before.status() == Status.BACKUP
                    && t.events()
                        .getFirst()
                        .equals(completed(Phase.BACKUP, Outcome.SUCCEEDED, "ok")));
        assertThat(t.next().backupTaken()).as(pair + " backup taken").isEqualTo(tookBackup);
      }
    }
  }

  private static Expected expected(Shape shape, Standing standing, Input input) {
    Status status = standing.status();
    if (status.terminal()) {
      return input instanceof Cancel ? new Expected.Refuses() : new Expected.Ignores();
    }
    String reason = standing.rollingBack() ? FIRST_FAILURE : "";
    return switch (input) {
      case Start s ->
          status != Status.REQUESTED
              ? new Expected.Ignores()
              : moveTo(
                  shape.forward().getFirst(),
                  List.of(new Requested("1.1.0", "1.0.0", Kind.DEPLOY, "ci", 3)),
                  "");
      case Cancel c -> {
        if (status != Status.REQUESTED && status != Status.PREFLIGHT && status != Status.BACKUP) {
          yield new Expected.Refuses();
        }
        List<DeploymentEvent> events = new ArrayList<>();
        status
            .phase()
            .ifPresent(phase -> events.add(completed(phase, Outcome.FAILED, "cancelled: stop")));
        events.add(new Finished(Status.CANCELLED, "stop"));
        yield new Expected.Moves(Status.CANCELLED, 1, "stop", events);
      }
      case StepResult r ->
          !current(status, r.phase(), r.attempt())
              ? new Expected.Ignores()
              : after(shape, standing, r.phase(), r.outcome(), r.summary(), reason);
      case DeadlinePassed d -> {
        if (!current(status, d.phase(), d.attempt())) {
          yield new Expected.Ignores();
        }
        yield d.phase() == Phase.DEPLOY || d.phase() == Phase.REVERT
            ? after(
                shape,
                standing,
                d.phase(),
                Outcome.FAILED,
                d.phase() + " did not finish within " + timeout(d.phase()),
                reason)
            : after(
                shape,
                standing,
                d.phase(),
                Outcome.ERRORED,
                "no result from the "
                    + worker(d.phase())
                    + " within "
                    + timeout(d.phase())
                    + " (is it running, and can it reach Kafka and the orchestrator?)",
                reason);
      }
      case Resume r -> {
        if (!current(status, r.phase(), r.attempt())
            || !(r.phase() == Phase.DEPLOY || r.phase() == Phase.REVERT)) {
          yield new Expected.Ignores();
        }
        yield new Expected.Moves(
            status,
            2,
            reason,
            List.of(
                completed(
                    r.phase(), Outcome.ERRORED, "runner lost (orchestrator restarted); retrying"),
                new PhaseStarted(r.phase(), 2, deadline(r.phase()))));
      }
    };
  }

  /** Where a phase's outcome leads, read off the two paths. */
  private static Expected after(
      Shape shape, Standing standing, Phase phase, Outcome outcome, String summary, String reason) {
    PhaseCompleted completed = completed(phase, outcome, summary);
    boolean rollingBack = standing.rollingBack();
    boolean taken =
        standing.backupTaken() || (phase == Phase.BACKUP && outcome == Outcome.SUCCEEDED);
    List<Phase> path = rollingBack ? shape.back(taken) : shape.forward();
    return switch (outcome) {
      case SUCCEEDED -> {
        int next = path.indexOf(phase) + 1;
        if (next < path.size()) {
          yield moveTo(path.get(next), List.of(completed), reason);
        }
        if (!rollingBack) {
          yield finish(Status.SUCCEEDED, "", completed);
        }
        yield phase == Phase.RESTORE
            ? finish(
                Status.ROLLBACK_FAILED,
                reason + "; data restored but there is no previous version to revert to",
                completed)
            : finish(Status.ROLLED_BACK, reason, completed);
      }
      case FAILED -> {
        if (rollingBack) {
          yield finish(
              Status.ROLLBACK_FAILED,
              reason + "; then " + phase + " failed: " + summary,
              completed);
        }
        String failure = phase + " failed: " + summary;
        if (phase == Phase.PREFLIGHT || phase == Phase.BACKUP) {
          yield finish(Status.FAILED, failure, completed);
        }
        List<Phase> back = shape.back(taken);
        yield back.isEmpty()
            ? finish(
                Status.ROLLBACK_FAILED,
                failure + "; there is no previous version to revert to",
                completed)
            : moveTo(back.getFirst(), List.of(completed), failure);
      }
      case ERRORED -> {
        String couldNotRun = phase + " could not run: " + summary;
        if (rollingBack) {
          yield finish(Status.ROLLBACK_FAILED, reason + "; then " + couldNotRun, completed);
        }
        yield switch (phase) {
          case DEPLOY ->
              finish(Status.FAILED, couldNotRun + "; nothing was rolled back", completed);
          case VERIFY ->
              finish(
                  Status.FAILED,
                  couldNotRun
                      + "; version 1.1.0 is deployed but unverified, and nothing was rolled back",
                  completed);
          default -> finish(Status.FAILED, couldNotRun, completed);
        };
      }
    };
  }

  private static Expected moveTo(Phase phase, List<DeploymentEvent> before, String reason) {
    List<DeploymentEvent> events = new ArrayList<>(before);
    events.add(new PhaseStarted(phase, 1, deadline(phase)));
    return new Expected.Moves(Status.running(phase), 1, reason, events);
  }

  private static Expected finish(Status status, String reason, PhaseCompleted completed) {
    return new Expected.Moves(status, 1, reason, List.of(completed, new Finished(status, reason)));
  }

  private static PhaseCompleted completed(Phase phase, Outcome outcome, String summary) {
    return new PhaseCompleted(phase, 1, outcome, summary);
  }

  /** Each phase its own timeout, so a deadline taken from the wrong phase shows. */
  private static Duration timeout(Phase phase) {
    return Duration.ofMinutes(phase.ordinal() + 1);
  }

  private static Instant deadline(Phase phase) {
    return NOW.plus(timeout(phase));
  }

  private static boolean current(Status status, Phase phase, int attempt) {
    return status.phase().equals(Optional.of(phase)) && attempt == 1;
  }

  private static String worker(Phase phase) {
    return switch (phase) {
      case PREFLIGHT, VERIFY, VERIFY_ROLLBACK -> "health-service";
      case BACKUP, SNAPSHOT, RESTORE -> "backup-service";
      case DEPLOY, REVERT -> "orchestrator";
    };
  }

  private static List<Shape> shapes() {
    List<Shape> shapes = new ArrayList<>();
    for (int bits = 0; bits < 32; bits++) {
      shapes.add(
          new Shape(
              (bits & 1) != 0,
              (bits & 2) != 0,
              (bits & 4) != 0,
              (bits & 8) != 0,
              (bits & 16) != 0));
    }
    return shapes;
  }

  /** Every input, for every phase and outcome, for the current attempt and a stale one. */
  private static List<Input> inputs() {
    List<Input> inputs = new ArrayList<>(List.of(new Start(), new Cancel("stop")));
    for (Phase phase : Phase.values()) {
      for (int attempt : new int[] {1, 2}) {
        inputs.add(new StepResult(phase, attempt, Outcome.SUCCEEDED, "ok"));
        inputs.add(new StepResult(phase, attempt, Outcome.FAILED, "boom"));
        inputs.add(new StepResult(phase, attempt, Outcome.ERRORED, "boom"));
        inputs.add(new DeadlinePassed(phase, attempt));
        inputs.add(new Resume(phase, attempt));
      }
    }
    return inputs;
  }

  private static Deployment deployment(Shape shape, Standing standing) {
    Status status = standing.status();
    boolean running = status.phase().isPresent();
    return new Deployment(
        UUID.fromString("00000000-0000-0000-0000-000000000001"),
        "journal",
        "production",
        Kind.DEPLOY,
        "1.1.0",
        "1.0.0",
        "ci",
        3,
        shape.plan(),
        status,
        running ? 1 : 0,
        running ? NOW : null,
        standing.rollingBack() ? FIRST_FAILURE : "",
        SEQUENCE,
        standing.backupTaken());
  }
}
