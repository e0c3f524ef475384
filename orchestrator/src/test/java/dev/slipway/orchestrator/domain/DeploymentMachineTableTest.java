package dev.slipway.orchestrator.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.orchestrator.domain.Decision.Ignored;
import dev.slipway.orchestrator.domain.Decision.LocalStep;
import dev.slipway.orchestrator.domain.Decision.Refused;
import dev.slipway.orchestrator.domain.Decision.Transition;
import dev.slipway.orchestrator.domain.DeploymentEvent.ApprovalExpired;
import dev.slipway.orchestrator.domain.DeploymentEvent.ApprovalGiven;
import dev.slipway.orchestrator.domain.DeploymentEvent.ApprovalRejected;
import dev.slipway.orchestrator.domain.DeploymentEvent.ApprovalRequested;
import dev.slipway.orchestrator.domain.DeploymentEvent.Finished;
import dev.slipway.orchestrator.domain.DeploymentEvent.FreezeOverridden;
import dev.slipway.orchestrator.domain.DeploymentEvent.Held;
import dev.slipway.orchestrator.domain.DeploymentEvent.Paused;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseCompleted;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseProgress;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseStarted;
import dev.slipway.orchestrator.domain.DeploymentEvent.Queued;
import dev.slipway.orchestrator.domain.DeploymentEvent.Requested;
import dev.slipway.orchestrator.domain.DeploymentEvent.Resumed;
import dev.slipway.orchestrator.domain.Input.Abort;
import dev.slipway.orchestrator.domain.Input.Approve;
import dev.slipway.orchestrator.domain.Input.Cancel;
import dev.slipway.orchestrator.domain.Input.DeadlinePassed;
import dev.slipway.orchestrator.domain.Input.Progress;
import dev.slipway.orchestrator.domain.Input.Promote;
import dev.slipway.orchestrator.domain.Input.Queue;
import dev.slipway.orchestrator.domain.Input.Reject;
import dev.slipway.orchestrator.domain.Input.Resume;
import dev.slipway.orchestrator.domain.Input.Start;
import dev.slipway.orchestrator.domain.Input.StepResult;
import dev.slipway.orchestrator.domain.Input.Wake;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every (state, input) pair of every plan shape, strategy, kind, override and freeze, against an
 * oracle written another way than the machine: the lifecycle as two lists of stops (phase and step:
 * the way forward, the way back), the gates as a few rules, and the reasons as literal text. Each
 * pair is checked for its whole decision: the next status, attempt, step, deadline, reason,
 * approvals and backup flag, every event in order, the local step, and the refusal or the no-op.
 */
class DeploymentMachineTableTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration APPROVAL_TIMEOUT = Duration.ofHours(1);
  private static final String FIRST_FAILURE = "VERIFY failed: boom";
  private static final long SEQUENCE = 7;
  private static final Freeze FREEZE =
      new Freeze("weekend", "change freeze", NOW.plus(Duration.ofHours(2)));
  private static final String HELD_NOW =
      "held by freeze window 'weekend' (change freeze) until " + FREEZE.until();
  private static final String NEVER_SWITCHED =
      "; traffic was never switched to slot green, nothing to switch back";
  private static final String HELD_BEFORE =
      "held by freeze window 'release-train' (train) until " + NOW;

  /** A canary's first step analyses for this long (with checks); its second takes all traffic. */
  private static final Duration PAUSE = Duration.ofSeconds(90);

  private static final List<String> INSTANCES = List.of("a", "b");

  /** How a release moves traffic; a canary with each of its noData policies. */
  private enum Strategy {
    DIRECT,
    BLUE_GREEN,
    CANARY_PAUSE,
    CANARY_FAIL,
    CANARY_CONTINUE,
    ROLLING;

    boolean canary() {
      return name().startsWith("CANARY");
    }
  }

  /**
   * One stop on a path: a phase, the step its events carry, and the step the deployment is at there
   * (a canary's rollback is at the step it failed at, its phases carry none).
   */
  private record Stop(Phase phase, int step, int at) {
    static Stop of(Phase phase) {
      return new Stop(phase, 0, 0);
    }
  }

  /** One plan shape. */
  private record Shape(
      boolean preflight,
      boolean backup,
      boolean restore,
      boolean checks,
      boolean bake,
      boolean revertible,
      boolean approvals,
      Strategy strategy) {
    Plan plan() {
      Map<Phase, Duration> timeouts = new EnumMap<>(Phase.class);
      for (Phase phase : Phase.values()) {
        timeouts.put(phase, timeout(phase));
      }
      Plan plan =
          new Plan(
              preflight,
              backup,
              restore,
              checks,
              bake,
              revertible,
              approvals ? 2 : 0,
              APPROVAL_TIMEOUT,
              timeouts,
              blueGreen() ? Plan.GREEN : "");
      if (strategy.canary()) {
        Canary.NoData noData = Canary.NoData.valueOf(strategy.name().substring("CANARY_".length()));
        return plan.withCanary(
            new Canary(
                List.of(
                    new Canary.Step(10, checks ? PAUSE : Duration.ZERO),
                    new Canary.Step(100, Duration.ZERO)),
                noData));
      }
      return strategy == Strategy.ROLLING ? plan.withRolling(new Rolling(INSTANCES, 1)) : plan;
    }

    boolean blueGreen() {
      return strategy == Strategy.BLUE_GREEN;
    }

    boolean rolling() {
      return strategy == Strategy.ROLLING;
    }

    List<Stop> forward() {
      List<Stop> path = new ArrayList<>();
      if (preflight) path.add(Stop.of(Phase.PREFLIGHT));
      if (backup) path.add(Stop.of(Phase.BACKUP));
      if (rolling()) {
        for (int wave = 1; wave <= INSTANCES.size(); wave++) {
          path.add(new Stop(Phase.DEPLOY, wave, wave));
          if (checks) path.add(new Stop(Phase.VERIFY, wave, wave));
        }
      } else {
        path.add(Stop.of(Phase.DEPLOY));
        if (checks) path.add(Stop.of(Phase.VERIFY));
      }
      if (blueGreen()) path.add(Stop.of(Phase.SWITCH));
      if (blueGreen() && checks) path.add(Stop.of(Phase.VERIFY_LIVE));
      if (strategy.canary()) {
        path.add(new Stop(Phase.WEIGHT, 1, 1));
        if (checks) path.add(new Stop(Phase.ANALYSIS, 1, 1));
        path.add(new Stop(Phase.WEIGHT, 2, 2));
      }
      int last = strategy.canary() || rolling() ? 2 : 0;
      if (bake) path.add(new Stop(Phase.BAKE, 0, last));
      return path;
    }

    /**
     * The way back from a failure at step {@code at}: blue-green before its switch never moved
     * traffic, so there is nothing to revert; a rolling revert carries the wave it stopped at.
     */
    List<Stop> back(boolean backupTaken, boolean switched, int at) {
      List<Stop> path = new ArrayList<>();
      if (restore && backupTaken) {
        path.add(new Stop(Phase.SNAPSHOT, 0, at));
        path.add(new Stop(Phase.RESTORE, 0, at));
      }
      if (revertible && (!blueGreen() || switched)) {
        int step = rolling() ? at : 0;
        path.add(new Stop(Phase.REVERT, step, at));
        if (checks) path.add(new Stop(Phase.VERIFY_ROLLBACK, step, at));
      }
      return path;
    }

    /** The steps a release of this shape may fail at. */
    List<Integer> failureSteps() {
      return strategy.canary() ? List.of(0, 1, 2) : rolling() ? List.of(1, 2) : List.of(0);
    }
  }

  /**
   * Who the deployment is: a release (with or without a freeze override), a manual rollback, or a
   * restore on demand.
   */
  private record Who(Kind kind, String override) {
    boolean gated() {
      return kind == Kind.DEPLOY;
    }

    boolean restores() {
      return kind == Kind.RESTORE;
    }

    /** The way forward: a restore snapshots, restores and verifies; anything else releases. */
    List<Stop> forward(Shape shape) {
      if (!restores()) {
        return shape.forward();
      }
      List<Stop> path = new ArrayList<>(List.of(Stop.of(Phase.SNAPSHOT), Stop.of(Phase.RESTORE)));
      if (shape.checks()) path.add(Stop.of(Phase.VERIFY));
      return path;
    }

    /** The way back: a restore has none, it stops where it fails. */
    List<Stop> back(Shape shape, boolean backupTaken, boolean switched, int at) {
      return restores() ? List.of() : shape.back(backupTaken, switched, at);
    }
  }

  /** Where a deployment stands. */
  private record Standing(
      Status status,
      boolean backupTaken,
      int attempt,
      List<String> approvedBy,
      Instant deadline,
      String reason,
      boolean switched,
      int at) {
    boolean rollingBack(Who who) {
      return !who.restores()
          && status.phase().map(p -> p.ordinal() >= Phase.SNAPSHOT.ordinal()).orElse(false);
    }
  }

  /** What the oracle expects: a transition to this state with these events, or none. */
  private sealed interface Expected {
    /** To {@code to}, the deployment at step {@code at}. */
    record Moves(
        Status to,
        int attempt,
        Instant deadline,
        String reason,
        List<String> approvedBy,
        boolean backupTaken,
        List<DeploymentEvent> events,
        boolean switched,
        int at)
        implements Expected {
      Moves(
          Status to,
          int attempt,
          Instant deadline,
          String reason,
          List<String> approvedBy,
          boolean backupTaken,
          List<DeploymentEvent> events,
          int at) {
        this(to, attempt, deadline, reason, approvedBy, backupTaken, events, false, at);
      }

      Moves switching(boolean on) {
        return new Moves(to, attempt, deadline, reason, approvedBy, backupTaken, events, on, at);
      }

      /** The step of the phase it starts, which its local step carries too. */
      int startedStep() {
        return events.getLast() instanceof PhaseStarted started ? started.step() : 0;
      }
    }

    record Refuses() implements Expected {}

    record Ignores() implements Expected {}
  }

  @Test
  void everyPairOfEveryPlanShapeDecidesAsTheTableSays() {
    int pairs = 0;
    for (Shape shape : shapes()) {
      for (Who who : whos()) {
        if (who.restores() && !shape.backup()) {
          continue; // a target without backup items has nothing to restore
        }
        for (Standing standing : reachable(shape, who)) {
          Deployment deployment = deployment(shape, who, standing);
          for (Optional<Freeze> freeze : List.of(Optional.<Freeze>empty(), Optional.of(FREEZE))) {
            for (Input input : inputs()) {
              String pair = shape + " " + who + " " + standing + " " + freeze + " + " + input;
              check(
                  pair,
                  DeploymentMachine.decide(deployment, input, NOW, freeze),
                  new Oracle(shape, who, standing, freeze).expected(input));
              pairs++;
            }
          }
        }
      }
    }
    assertThat(pairs)
        .as(
            "pairs walked: 6 strategies x 96 shapes, 4 kinds, their standings, 2 freezes, every input")
        .isEqualTo(37_870_272);
  }

  private static void check(String pair, Decision decision, Expected expected) {
    switch (expected) {
      case Expected.Refuses r -> assertThat(decision).as(pair).isInstanceOf(Refused.class);
      case Expected.Ignores i -> assertThat(decision).as(pair).isInstanceOf(Ignored.class);
      case Expected.Moves moves -> {
        assertThat(decision).as(pair).isInstanceOf(Transition.class);
        Transition t = (Transition) decision;
        Deployment next = t.next();
        assertThat(t.events()).as(pair + " events").containsExactlyElementsOf(moves.events());
        assertThat(next.status()).as(pair + " status").isEqualTo(moves.to());
        assertThat(next.reason()).as(pair + " reason").isEqualTo(moves.reason());
        assertThat(next.lastSequence())
            .as(pair + " sequence")
            .isEqualTo(SEQUENCE + moves.events().size());
        assertThat(next.deadline()).as(pair + " deadline").isEqualTo(moves.deadline());
        if (!moves.to().terminal()) {
          assertThat(next.attempt()).as(pair + " attempt").isEqualTo(moves.attempt());
        }
        assertThat(next.approvedBy()).as(pair + " approvals").isEqualTo(moves.approvedBy());
        assertThat(next.backupTaken()).as(pair + " backup taken").isEqualTo(moves.backupTaken());
        assertThat(next.switched()).as(pair + " switched").isEqualTo(moves.switched());
        assertThat(next.step()).as(pair + " step").isEqualTo(moves.at());
        assertThat(t.localStep())
            .as(pair + " local step")
            .isEqualTo(
                moves
                    .to()
                    .phase()
                    .filter(Phase::runsLocally)
                    .map(phase -> new LocalStep(phase, moves.attempt(), moves.startedStep())));
      }
    }
  }

  /** The expected decision for one deployment, written from the lifecycle's rules. */
  private record Oracle(Shape shape, Who who, Standing standing, Optional<Freeze> freeze) {

    /** Traffic is on the new slot from the moment SWITCH starts, whatever follows. */
    Expected expected(Input input) {
      Expected decided = decide(input);
      return decided instanceof Expected.Moves moves
          ? moves.switching(standing.switched() || moves.to() == Status.SWITCH)
          : decided;
    }

    private Expected decide(Input input) {
      Status status = standing.status();
      if (status.terminal()) {
        boolean asks =
            input instanceof Cancel
                || input instanceof Approve
                || input instanceof Reject
                || input instanceof Promote
                || input instanceof Abort;
        return asks ? new Expected.Refuses() : new Expected.Ignores();
      }
      return switch (input) {
        case Start s -> start();
        case Queue q ->
            status != Status.REQUESTED
                ? new Expected.Ignores()
                : waits(
                    Status.QUEUED,
                    null,
                    "queued behind deployment q-1",
                    standing.approvedBy(),
                    List.of(requested(), new Queued("q-1", 3)));
        case Approve a -> approve(a.by());
        case Reject r ->
            status != Status.AWAITING_APPROVAL
                ? new Expected.Refuses()
                : finish(
                    Status.FAILED,
                    "rejected by bob: no",
                    List.of(new ApprovalRejected("bob", "no")));
        case Promote p -> promote();
        case Wake w -> wake();
        case Cancel c -> cancel();
        case Abort a -> abort();
        case StepResult r ->
            !current(r.phase(), r.step(), r.attempt())
                ? new Expected.Ignores()
                : after(r.phase(), r.outcome(), r.summary());
        case Progress p ->
            !current(p.phase(), p.step(), p.attempt()) || p.phase().runsLocally()
                ? new Expected.Ignores()
                : stays(
                    List.of(
                        new PhaseProgress(
                            p.phase(), p.attempt(), "1 MiB dumped", 1L << 20, p.step())));
        case DeadlinePassed d -> {
          if (!current(d.phase(), d.step(), d.attempt())) {
            yield new Expected.Ignores();
          }
          yield d.phase().runsLocally()
              ? after(
                  d.phase(),
                  Outcome.FAILED,
                  d.phase() + " did not finish within " + timeoutHere(d.phase()))
              : after(
                  d.phase(),
                  Outcome.ERRORED,
                  "no result from the "
                      + worker(d.phase())
                      + " within "
                      + timeoutHere(d.phase())
                      + " (is it running, and can it reach Kafka and the orchestrator?)");
        }
        case Resume r -> {
          if (!current(r.phase(), r.step(), r.attempt()) || !r.phase().runsLocally()) {
            yield new Expected.Ignores();
          }
          Stop here = here();
          yield new Expected.Moves(
              status,
              2,
              deadline(here),
              reason(),
              standing.approvedBy(),
              standing.backupTaken(),
              List.of(
                  completed(here, Outcome.ERRORED, "runner lost (its lease expired); retrying"),
                  new PhaseStarted(r.phase(), 2, deadline(here), here.step())),
              standing.at());
        }
      };
    }

    private Expected start() {
      List<DeploymentEvent> events = new ArrayList<>();
      if (standing.status() == Status.REQUESTED) {
        events.add(requested());
      } else if (standing.status() != Status.QUEUED) {
        return new Expected.Ignores();
      }
      if (who.gated() && shape.approvals()) {
        events.add(new ApprovalRequested(2, NOW.plus(APPROVAL_TIMEOUT)));
        return waits(
            Status.AWAITING_APPROVAL,
            NOW.plus(APPROVAL_TIMEOUT),
            "waiting for approval (0 of 2)",
            List.of(),
            events);
      }
      return gate(who.forward(shape).getFirst(), 1, standing.backupTaken(), List.of(), events);
    }

    private Expected approve(String by) {
      if (standing.status() != Status.AWAITING_APPROVAL
          || !NOW.isBefore(standing.deadline())
          || by.equals("ci")
          || standing.approvedBy().contains(by)) {
        return new Expected.Refuses();
      }
      List<String> approvers = new ArrayList<>(standing.approvedBy());
      approvers.add(by);
      List<DeploymentEvent> events = List.of(new ApprovalGiven(by, "", approvers.size(), 2));
      if (approvers.size() < 2) {
        return waits(
            Status.AWAITING_APPROVAL,
            standing.deadline(),
            "waiting for approval (1 of 2: " + by + ")",
            approvers,
            events);
      }
      return gate(who.forward(shape).getFirst(), 1, false, approvers, events);
    }

    /**
     * A bake ends as passed; a canary's analysis too, and a paused canary goes on, each to the step
     * after the first.
     */
    private Expected promote() {
      return switch (standing.status()) {
        case BAKE ->
            finish(
                Status.SUCCEEDED,
                "",
                List.of(
                    completed(here(), Outcome.SUCCEEDED, "promoted by bob before the bake ended")));
        case ANALYSIS ->
            moveTo(
                nextAfter(here()),
                standing.backupTaken(),
                List.of(
                    completed(
                        here(), Outcome.SUCCEEDED, "promoted by bob before the pause ended")));
        case PAUSED ->
            moveTo(
                nextAfter(new Stop(Phase.ANALYSIS, 1, 1)),
                standing.backupTaken(),
                List.of(new Resumed("bob", 1)));
        default -> new Expected.Refuses();
      };
    }

    private Expected wake() {
      return switch (standing.status()) {
        case AWAITING_APPROVAL ->
            NOW.isBefore(standing.deadline())
                ? new Expected.Ignores()
                : finish(
                    Status.FAILED,
                    "approval expired: " + standing.approvedBy().size() + " of 2 within 1h",
                    List.of(new ApprovalExpired(standing.approvedBy().size(), 2)));
        case HELD -> {
          if (freeze.isPresent()) {
            yield standing.reason().equals(HELD_NOW)
                ? new Expected.Ignores()
                : waits(
                    Status.HELD,
                    FREEZE.until(),
                    HELD_NOW,
                    standing.approvedBy(),
                    List.of(new Held("weekend", "change freeze", FREEZE.until())));
          }
          if (standing.attempt() == 0) {
            yield moveTo(who.forward(shape).getFirst(), false, List.of());
          }
          yield standing.backupTaken()
              ? moveTo(Phase.BACKUP, standing.attempt() + 1, Stop.of(Phase.BACKUP), List.of())
              : moveTo(firstDeploy(), false, List.of());
        }
        default -> new Expected.Ignores();
      };
    }

    private Expected cancel() {
      Status status = standing.status();
      if (!List.of(
                  Status.REQUESTED,
                  Status.QUEUED,
                  Status.AWAITING_APPROVAL,
                  Status.HELD,
                  Status.PREFLIGHT,
                  Status.BACKUP)
              .contains(status)
          && !(who.restores() && status == Status.SNAPSHOT)) {
        return new Expected.Refuses();
      }
      List<DeploymentEvent> events = new ArrayList<>();
      if (status.phase().isPresent()) {
        events.add(completed(here(), Outcome.FAILED, "cancelled: stop"));
      }
      return finish(Status.CANCELLED, "stop", events);
    }

    /** Where a phase's outcome leads, read off the two paths. */
    private Expected after(Phase phase, Outcome outcome, String summary) {
      Stop here = here();
      PhaseCompleted completed = completed(here, outcome, summary);
      boolean rollingBack = rollingBack();
      boolean taken =
          standing.backupTaken() || (phase == Phase.BACKUP && outcome == Outcome.SUCCEEDED);
      boolean neverSwitched = shape.blueGreen() && !standing.switched();
      String reason = reason();
      return switch (outcome) {
        case SUCCEEDED -> {
          List<Stop> path =
              rollingBack
                  ? who.back(shape, taken, standing.switched(), standing.at())
                  : who.forward(shape);
          int next = path.indexOf(here) + 1;
          if (next < path.size()) {
            boolean toDeploy = path.get(next).phase() == Phase.DEPLOY;
            yield toDeploy && (phase == Phase.PREFLIGHT || phase == Phase.BACKUP)
                ? gate(path.get(next), 1, taken, standing.approvedBy(), List.of(completed))
                : moveTo(path.get(next), taken, List.of(completed));
          }
          if (!rollingBack) {
            yield finish(Status.SUCCEEDED, "", List.of(completed));
          }
          if (phase == Phase.RESTORE && neverSwitched) {
            yield finish(Status.ROLLED_BACK, reason + NEVER_SWITCHED, List.of(completed));
          }
          yield phase == Phase.RESTORE
              ? finish(
                  Status.ROLLBACK_FAILED,
                  reason + "; data restored but there is no previous version to revert to",
                  List.of(completed))
              : finish(Status.ROLLED_BACK, reason, List.of(completed));
        }
        case FAILED -> {
          if (who.restores()) {
            yield finish(
                Status.FAILED, restoreStopped(phase, phase + " failed: " + summary), completed);
          }
          if (rollingBack) {
            yield finish(
                Status.ROLLBACK_FAILED,
                reason + "; then " + phase + " failed: " + summary,
                List.of(completed));
          }
          String failure = phase + where(phase) + " failed: " + summary;
          if (phase == Phase.PREFLIGHT || phase == Phase.BACKUP) {
            yield finish(Status.FAILED, failure, List.of(completed));
          }
          yield rollBack(failure, List.of(completed), taken);
        }
        case NO_DATA ->
            phase == Phase.ANALYSIS
                ? noData(completed, taken)
                : couldNotRun(
                    phase,
                    "the worker reported no data, which only an ANALYSIS can: " + summary,
                    completed);
        case ERRORED -> couldNotRun(phase, summary, completed);
      };
    }

    /** Slipway could not run the phase: the deployment stops, saying what it left. */
    private Expected couldNotRun(Phase phase, String summary, PhaseCompleted completed) {
      String couldNotRun = phase + where(phase) + " could not run: " + summary;
      if (who.restores()) {
        return finish(Status.FAILED, restoreStopped(phase, couldNotRun), completed);
      }
      if (rollingBack()) {
        return finish(
            Status.ROLLBACK_FAILED, reason() + "; then " + couldNotRun, List.of(completed));
      }
      String earlier = standing.at() == 2 && shape.rolling() ? "; a already run version 1.1.0" : "";
      int weight = standing.at() == 1 ? 10 : 100;
      return finish(
          Status.FAILED,
          switch (phase) {
            case DEPLOY -> couldNotRun + earlier + "; nothing was rolled back";
            case VERIFY ->
                shape.blueGreen()
                    ? couldNotRun
                        + "; version 1.1.0 is on the idle slot green, unverified, and traffic"
                        + " was not switched"
                    : shape.rolling()
                        ? couldNotRun
                            + "; version 1.1.0 is on "
                            + INSTANCES.get(standing.at() - 1)
                            + " unverified"
                            + earlier
                            + ", and nothing was rolled back"
                        : couldNotRun
                            + "; version 1.1.0 is deployed but unverified, and nothing was rolled"
                            + " back";
            case SWITCH ->
                couldNotRun + "; traffic may be partly on slot green, and nothing was rolled back";
            case VERIFY_LIVE ->
                couldNotRun
                    + "; version 1.1.0 serves from slot green but is unverified there, and"
                    + " nothing was rolled back";
            case WEIGHT ->
                couldNotRun
                    + "; up to "
                    + weight
                    + "% of traffic may be on version 1.1.0, and nothing was rolled back";
            case ANALYSIS ->
                couldNotRun
                    + "; version 1.1.0 takes "
                    + weight
                    + "% of traffic, unanalysed, and nothing was rolled back";
            case BAKE ->
                couldNotRun
                    + "; version 1.1.0 is deployed and passed VERIFY but did not finish its"
                    + " bake, and nothing was rolled back";
            default -> couldNotRun;
          },
          List.of(completed));
    }

    /** A canary's first analysis saw no data: the next step, a rollback, or a pause. */
    private Expected noData(PhaseCompleted completed, boolean taken) {
      String seen = "ANALYSIS step 1 (10%) saw no data: boom";
      return switch (shape.strategy()) {
        case CANARY_CONTINUE -> moveTo(nextAfter(here()), taken, List.of(completed));
        case CANARY_FAIL -> rollBack(seen + " (noData: fail)", List.of(completed), taken);
        case CANARY_PAUSE -> {
          String why =
              seen + " (noData: pause); promote to go on with the next step, or abort to roll back";
          yield new Expected.Moves(
              Status.PAUSED,
              standing.attempt(),
              null,
              why,
              standing.approvedBy(),
              taken,
              List.of(completed, new Paused(1, 10, why)),
              1);
        }
        default -> throw new AssertionError("no ANALYSIS without a canary");
      };
    }

    /** " step 1 (10%)" for a canary's phases, " wave 2 of 2 (b)" for a rolling one's. */
    private String where(Phase phase) {
      if (phase == Phase.WEIGHT || phase == Phase.ANALYSIS) {
        return " step " + standing.at() + " (" + (standing.at() == 1 ? 10 : 100) + "%)";
      }
      boolean waves = phase == Phase.DEPLOY || phase == Phase.VERIFY;
      return shape.rolling() && waves && !who.restores()
          ? " wave " + standing.at() + " of 2 (" + INSTANCES.get(standing.at() - 1) + ")"
          : "";
    }

    /** The way back from a release that failed (or was aborted) in a forward phase. */
    private Expected rollBack(String failure, List<DeploymentEvent> closed, boolean taken) {
      List<Stop> back = shape.back(taken, standing.switched(), standing.at());
      if (back.isEmpty() && shape.blueGreen() && !standing.switched()) {
        return finish(Status.ROLLED_BACK, failure + NEVER_SWITCHED, closed);
      }
      if (back.isEmpty()) {
        return finish(
            Status.ROLLBACK_FAILED,
            failure + "; there is no previous version to revert to",
            closed);
      }
      Stop first = back.getFirst();
      List<DeploymentEvent> events = new ArrayList<>(closed);
      events.add(new PhaseStarted(first.phase(), 1, deadline(first), first.step()));
      return new Expected.Moves(
          Status.running(first.phase()),
          1,
          deadline(first),
          failure,
          standing.approvedBy(),
          taken,
          events,
          first.at());
    }

    /**
     * Only a release being checked, or a paused canary, is aborted; it rolls back as if its check
     * had failed.
     */
    private Expected abort() {
      Status status = standing.status();
      List<Status> checking =
          List.of(Status.VERIFY, Status.VERIFY_LIVE, Status.ANALYSIS, Status.BAKE, Status.PAUSED);
      if (who.restores() || !checking.contains(status)) {
        return new Expected.Refuses();
      }
      String why = "aborted by bob: bad";
      return rollBack(
          why,
          status == Status.PAUSED
              ? List.of()
              : List.<DeploymentEvent>of(completed(here(), Outcome.FAILED, why)),
          standing.backupTaken());
    }

    private Expected finish(Status status, String reason, PhaseCompleted completed) {
      return finish(status, reason, List.of(completed));
    }

    private static String restoreStopped(Phase phase, String failure) {
      return failure
          + switch (phase) {
            case SNAPSHOT -> "; nothing was restored";
            case RESTORE -> "; the data as it was before is kept in this deployment's snapshot";
            case VERIFY ->
                "; the data is restored, and the data from before it is kept in this deployment's"
                    + " snapshot";
            default -> throw new AssertionError(phase + " is not a phase of a restore");
          };
    }

    /** A freeze stops a release before its first phase and before DEPLOY, unless overridden. */
    private Expected gate(
        Stop stop,
        int attempt,
        boolean taken,
        List<String> approvers,
        List<DeploymentEvent> before) {
      List<DeploymentEvent> events = new ArrayList<>(before);
      if (freeze.isPresent() && who.gated()) {
        if (who.override().isEmpty()) {
          events.add(new Held("weekend", "change freeze", FREEZE.until()));
          int heldAttempt = standing.status().phase().isPresent() ? standing.attempt() : 0;
          return new Expected.Moves(
              Status.HELD, heldAttempt, FREEZE.until(), HELD_NOW, approvers, taken, events, 0);
        }
        events.add(new FreezeOverridden("weekend", who.override(), "ci"));
      }
      events.add(new PhaseStarted(stop.phase(), attempt, deadline(stop), stop.step()));
      return new Expected.Moves(
          Status.running(stop.phase()),
          attempt,
          deadline(stop),
          "",
          approvers,
          taken,
          events,
          stop.at());
    }

    private Expected moveTo(Stop stop, boolean taken, List<DeploymentEvent> before) {
      return moveTo(stop.phase(), 1, stop, taken, before);
    }

    private Expected moveTo(Phase phase, int attempt, Stop stop, List<DeploymentEvent> before) {
      return moveTo(phase, attempt, stop, false, before);
    }

    private Expected moveTo(
        Phase phase, int attempt, Stop stop, boolean taken, List<DeploymentEvent> before) {
      List<DeploymentEvent> events = new ArrayList<>(before);
      events.add(new PhaseStarted(phase, attempt, deadline(stop), stop.step()));
      String reason = standing.status() == Status.HELD ? "" : reason();
      return new Expected.Moves(
          Status.running(phase),
          attempt,
          deadline(stop),
          reason,
          standing.approvedBy(),
          taken,
          events,
          stop.at());
    }

    /** Nothing moves but the events: the deployment stays where it is. */
    private Expected stays(List<DeploymentEvent> events) {
      return new Expected.Moves(
          standing.status(),
          standing.attempt(),
          standing.deadline(),
          standing.reason(),
          standing.approvedBy(),
          standing.backupTaken(),
          events,
          standing.at());
    }

    private Expected waits(
        Status status,
        Instant deadline,
        String reason,
        List<String> approvers,
        List<DeploymentEvent> events) {
      return new Expected.Moves(
          status,
          standing.attempt(),
          deadline,
          reason,
          approvers,
          standing.backupTaken(),
          events,
          standing.at());
    }

    private Expected finish(Status status, String reason, List<DeploymentEvent> before) {
      List<DeploymentEvent> events = new ArrayList<>(before);
      events.add(new Finished(status, reason));
      return new Expected.Moves(
          status,
          standing.attempt(),
          null,
          reason,
          standing.approvedBy(),
          standing.backupTaken(),
          events,
          standing.at());
    }

    private Requested requested() {
      return new Requested("1.1.0", "1.0.0", who.kind(), "ci", 3);
    }

    private String reason() {
      return rollingBack() ? FIRST_FAILURE : "";
    }

    private boolean rollingBack() {
      return standing.rollingBack(who);
    }

    /** The stop the deployment is at: its phase, with the step that phase carries. */
    private Stop here() {
      Phase phase = standing.status().phase().orElseThrow();
      return new Stop(phase, carried(phase), standing.at());
    }

    /** The step a phase carries: a canary's WEIGHT and ANALYSIS, a rolling release's waves. */
    private int carried(Phase phase) {
      boolean stepped =
          shape.strategy().canary()
              ? phase == Phase.WEIGHT || phase == Phase.ANALYSIS
              : shape.rolling()
                  && List.of(Phase.DEPLOY, Phase.VERIFY, Phase.REVERT, Phase.VERIFY_ROLLBACK)
                      .contains(phase);
      return stepped ? standing.at() : 0;
    }

    private Stop nextAfter(Stop stop) {
      List<Stop> path = who.forward(shape);
      return path.get(path.indexOf(stop) + 1);
    }

    private Stop firstDeploy() {
      return who.forward(shape).stream()
          .filter(stop -> stop.phase() == Phase.DEPLOY)
          .findFirst()
          .orElseThrow();
    }

    private PhaseCompleted completed(Stop stop, Outcome outcome, String summary) {
      return new PhaseCompleted(stop.phase(), standing.attempt(), outcome, summary, stop.step());
    }

    /** How long the phase the deployment is in may run; an analysis gets its pause on top. */
    private Duration timeoutHere(Phase phase) {
      return phase == Phase.ANALYSIS ? timeout(phase).plus(PAUSE) : timeout(phase);
    }

    private boolean current(Phase phase, int step, int attempt) {
      return standing.status().phase().equals(Optional.of(phase))
          && step == carried(phase)
          && attempt == standing.attempt();
    }
  }

  /** The standings a deployment of this shape and kind can reach. */
  private static List<Standing> reachable(Shape shape, Who who) {
    List<Standing> all = new ArrayList<>();
    all.add(waiting(Status.REQUESTED, 0, false, List.of(), null, ""));
    all.add(waiting(Status.QUEUED, 0, false, List.of(), null, "queued behind deployment q-0"));
    if (who.gated() && shape.approvals()) {
      Instant open = NOW.plus(Duration.ofMinutes(30));
      String none = "waiting for approval (0 of 2)";
      String one = "waiting for approval (1 of 2: alice)";
      all.add(waiting(Status.AWAITING_APPROVAL, 0, false, List.of(), open, none));
      all.add(waiting(Status.AWAITING_APPROVAL, 0, false, List.of("alice"), open, one));
      all.add(waiting(Status.AWAITING_APPROVAL, 0, false, List.of("alice"), NOW, one));
    }
    List<String> approved = who.gated() && shape.approvals() ? List.of("alice", "bob") : List.of();
    if (who.gated() && who.override().isEmpty()) {
      for (String reason : List.of(HELD_NOW, HELD_BEFORE)) {
        all.add(waiting(Status.HELD, 0, false, approved, NOW, reason));
        if (shape.preflight() || shape.backup()) {
          all.add(waiting(Status.HELD, 1, shape.backup(), approved, NOW, reason));
        }
      }
    }
    for (Stop stop : who.forward(shape)) {
      Phase phase = stop.phase();
      boolean taken = !who.restores() && shape.backup() && phase.ordinal() > Phase.BACKUP.ordinal();
      boolean switched =
          !who.restores() && shape.blueGreen() && phase.ordinal() >= Phase.SWITCH.ordinal();
      all.add(
          new Standing(Status.running(phase), taken, 1, approved, NOW, "", switched, stop.at()));
    }
    boolean[] either = {false, true};
    boolean[] no = {false};
    for (boolean taken : shape.backup() ? either : no) {
      if (shape.strategy() == Strategy.CANARY_PAUSE && shape.checks() && !who.restores()) {
        String why =
            "ANALYSIS step 1 (10%) saw no data: boom (noData: pause); promote to go on with the"
                + " next step, or abort to roll back";
        all.add(new Standing(Status.PAUSED, taken, 1, approved, null, why, false, 1));
      }
      for (boolean switched : shape.blueGreen() ? either : no) {
        for (int at : shape.failureSteps()) {
          for (Stop stop : who.back(shape, taken, switched, at)) {
            all.add(
                new Standing(
                    Status.running(stop.phase()),
                    taken,
                    1,
                    approved,
                    NOW,
                    FIRST_FAILURE,
                    switched,
                    stop.at()));
          }
        }
      }
    }
    for (Status status : Status.values()) {
      if (status.terminal()) all.add(waiting(status, 1, false, approved, null, ""));
    }
    return all;
  }

  private static Standing waiting(
      Status status,
      int attempt,
      boolean taken,
      List<String> approvedBy,
      Instant deadline,
      String reason) {
    return new Standing(status, taken, attempt, approvedBy, deadline, reason, false, 0);
  }

  /** Each phase its own timeout, so a deadline taken from the wrong phase shows. */
  private static Duration timeout(Phase phase) {
    return Duration.ofMinutes(phase.ordinal() + 1);
  }

  /** When a stop's phase must end; the canary's one analysis gets its pause on top. */
  private static Instant deadline(Stop stop) {
    Duration timeout = timeout(stop.phase());
    return NOW.plus(stop.phase() == Phase.ANALYSIS ? timeout.plus(PAUSE) : timeout);
  }

  private static String worker(Phase phase) {
    return switch (phase) {
      case PREFLIGHT, VERIFY, VERIFY_LIVE, ANALYSIS, BAKE, VERIFY_ROLLBACK -> "health-service";
      case BACKUP, SNAPSHOT, RESTORE -> "backup-service";
      case DEPLOY, SWITCH, WEIGHT, REVERT -> "orchestrator";
    };
  }

  /** Every combination of optional phases, gates and strategy; a bake needs checks. */
  private static List<Shape> shapes() {
    List<Shape> shapes = new ArrayList<>();
    for (Strategy strategy : Strategy.values()) {
      for (int bits = 0; bits < 128; bits++) {
        boolean checks = (bits & 8) != 0;
        boolean bake = (bits & 16) != 0;
        if (bake && !checks) continue;
        shapes.add(
            new Shape(
                (bits & 1) != 0,
                (bits & 2) != 0,
                (bits & 4) != 0,
                checks,
                bake,
                (bits & 32) != 0,
                (bits & 64) != 0,
                strategy));
      }
    }
    return shapes;
  }

  private static List<Who> whos() {
    return List.of(
        new Who(Kind.DEPLOY, ""),
        new Who(Kind.DEPLOY, "hotfix"),
        new Who(Kind.ROLLBACK, ""),
        new Who(Kind.RESTORE, ""));
  }

  /** Every input, for every phase and outcome, for the current attempt and a stale one. */
  private static List<Input> inputs() {
    List<Input> inputs =
        new ArrayList<>(
            List.of(
                new Start(),
                new Queue("q-1", 3),
                new Cancel("stop"),
                new Approve("alice", ""),
                new Approve("bob", ""),
                new Approve("ci", ""),
                new Reject("bob", "no"),
                new Promote("bob"),
                new Abort("bob", "bad"),
                new Wake()));
    for (Phase phase : Phase.values()) {
      for (int attempt : new int[] {1, 2}) {
        for (int step : new int[] {0, 1, 2}) {
          for (Outcome outcome : Outcome.values()) {
            String summary = outcome == Outcome.SUCCEEDED ? "ok" : "boom";
            inputs.add(new StepResult(phase, attempt, outcome, summary, List.of(), step));
          }
          inputs.add(new DeadlinePassed(phase, attempt, step));
          inputs.add(new Resume(phase, attempt, "its lease expired", step));
          inputs.add(new Progress(phase, attempt, "1 MiB dumped", 1L << 20, step));
        }
      }
    }
    return inputs;
  }

  private static Deployment deployment(Shape shape, Who who, Standing standing) {
    return new Deployment(
        UUID.fromString("00000000-0000-0000-0000-000000000001"),
        "journal",
        "production",
        who.kind(),
        "1.1.0",
        "1.0.0",
        "ci",
        3,
        shape.plan(),
        standing.status(),
        standing.attempt(),
        standing.deadline(),
        standing.reason(),
        SEQUENCE,
        standing.backupTaken(),
        standing.approvedBy(),
        who.override(),
        standing.switched(),
        standing.at());
  }
}
