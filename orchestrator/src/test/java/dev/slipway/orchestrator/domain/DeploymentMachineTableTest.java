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
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseCompleted;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseProgress;
import dev.slipway.orchestrator.domain.DeploymentEvent.PhaseStarted;
import dev.slipway.orchestrator.domain.DeploymentEvent.Queued;
import dev.slipway.orchestrator.domain.DeploymentEvent.Requested;
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
 * Every (state, input) pair of every plan shape, kind, override and freeze, against an oracle
 * written another way than the machine: the lifecycle as two lists of phases (the way forward, the
 * way back), the gates as a few rules, and the reasons as literal text. Each pair is checked for
 * its whole decision: the next status, attempt, deadline, reason, approvals and backup flag, every
 * event in order, the local step, and the refusal or the no-op.
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

  /** One plan shape. */
  private record Shape(
      boolean preflight,
      boolean backup,
      boolean restore,
      boolean checks,
      boolean bake,
      boolean revertible,
      boolean approvals,
      boolean blueGreen) {
    Plan plan() {
      Map<Phase, Duration> timeouts = new EnumMap<>(Phase.class);
      for (Phase phase : Phase.values()) {
        timeouts.put(phase, timeout(phase));
      }
      return new Plan(
          preflight,
          backup,
          restore,
          checks,
          bake,
          revertible,
          approvals ? 2 : 0,
          APPROVAL_TIMEOUT,
          timeouts,
          blueGreen ? Plan.GREEN : "");
    }

    List<Phase> forward() {
      List<Phase> path = new ArrayList<>();
      if (preflight) path.add(Phase.PREFLIGHT);
      if (backup) path.add(Phase.BACKUP);
      path.add(Phase.DEPLOY);
      if (checks) path.add(Phase.VERIFY);
      if (blueGreen) path.add(Phase.SWITCH);
      if (blueGreen && checks) path.add(Phase.VERIFY_LIVE);
      if (bake) path.add(Phase.BAKE);
      return path;
    }

    /** Blue-green before its switch: traffic never moved, so there is nothing to revert. */
    List<Phase> back(boolean backupTaken, boolean switched) {
      List<Phase> path = new ArrayList<>();
      if (restore && backupTaken) {
        path.add(Phase.SNAPSHOT);
        path.add(Phase.RESTORE);
      }
      if (revertible && (!blueGreen || switched)) {
        path.add(Phase.REVERT);
        if (checks) path.add(Phase.VERIFY_ROLLBACK);
      }
      return path;
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
    List<Phase> forward(Shape shape) {
      if (!restores()) {
        return shape.forward();
      }
      List<Phase> path = new ArrayList<>(List.of(Phase.SNAPSHOT, Phase.RESTORE));
      if (shape.checks()) path.add(Phase.VERIFY);
      return path;
    }

    /** The way back: a restore has none, it stops where it fails. */
    List<Phase> back(Shape shape, boolean backupTaken, boolean switched) {
      return restores() ? List.of() : shape.back(backupTaken, switched);
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
      boolean switched) {
    boolean rollingBack(Who who) {
      return !who.restores()
          && status.phase().map(p -> p.ordinal() >= Phase.SNAPSHOT.ordinal()).orElse(false);
    }
  }

  /** What the oracle expects: a transition to this state with these events, or none. */
  private sealed interface Expected {
    record Moves(
        Status to,
        int attempt,
        Instant deadline,
        String reason,
        List<String> approvedBy,
        boolean backupTaken,
        List<DeploymentEvent> events,
        boolean switched)
        implements Expected {
      Moves(
          Status to,
          int attempt,
          Instant deadline,
          String reason,
          List<String> approvedBy,
          boolean backupTaken,
          List<DeploymentEvent> events) {
        this(to, attempt, deadline, reason, approvedBy, backupTaken, events, false);
      }

      Moves switching(boolean on) {
        return new Moves(to, attempt, deadline, reason, approvedBy, backupTaken, events, on);
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
        .as("pairs walked")
        .isGreaterThanOrEqualTo((96 * 3 * 10 + 48 * 7) * 2 * inputs().size());
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
        assertThat(t.localStep())
            .as(pair + " local step")
            .isEqualTo(
                moves
                    .to()
                    .phase()
                    .filter(Phase::runsLocally)
                    .map(phase -> new LocalStep(phase, moves.attempt())));
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
        case Promote p ->
            status != Status.BAKE
                ? new Expected.Refuses()
                : finish(
                    Status.SUCCEEDED,
                    "",
                    List.of(
                        completed(
                            Phase.BAKE,
                            Outcome.SUCCEEDED,
                            "promoted by bob before the bake ended")));
        case Wake w -> wake();
        case Cancel c -> cancel();
        case Abort a -> abort();
        case StepResult r ->
            !current(r.phase(), r.attempt())
                ? new Expected.Ignores()
                : after(r.phase(), r.outcome(), r.summary());
        case Progress p ->
            !current(p.phase(), p.attempt()) || p.phase().runsLocally()
                ? new Expected.Ignores()
                : new Expected.Moves(
                    status,
                    standing.attempt(),
                    standing.deadline(),
                    standing.reason(),
                    standing.approvedBy(),
                    standing.backupTaken(),
                    List.of(
                        new PhaseProgress(p.phase(), p.attempt(), "1 MiB dumped", 1L << 20, 0)));
        case DeadlinePassed d -> {
          if (!current(d.phase(), d.attempt())) {
            yield new Expected.Ignores();
          }
          yield d.phase().runsLocally()
              ? after(
                  d.phase(),
                  Outcome.FAILED,
                  d.phase() + " did not finish within " + timeout(d.phase()))
              : after(
                  d.phase(),
                  Outcome.ERRORED,
                  "no result from the "
                      + worker(d.phase())
                      + " within "
                      + timeout(d.phase())
                      + " (is it running, and can it reach Kafka and the orchestrator?)");
        }
        case Resume r -> {
          if (!current(r.phase(), r.attempt()) || !r.phase().runsLocally()) {
            yield new Expected.Ignores();
          }
          yield new Expected.Moves(
              status,
              2,
              deadline(r.phase()),
              reason(),
              standing.approvedBy(),
              standing.backupTaken(),
              List.of(
                  completed(
                      r.phase(), Outcome.ERRORED, "runner lost (its lease expired); retrying"),
                  new PhaseStarted(r.phase(), 2, deadline(r.phase()))));
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
            yield moveTo(who.forward(shape).getFirst(), 1, false, List.of());
          }
          yield standing.backupTaken()
              ? moveTo(Phase.BACKUP, standing.attempt() + 1, false, List.of())
              : moveTo(Phase.DEPLOY, 1, false, List.of());
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
      status
          .phase()
          .ifPresent(phase -> events.add(completed(phase, Outcome.FAILED, "cancelled: stop")));
      return finish(Status.CANCELLED, "stop", events);
    }

    /** Where a phase's outcome leads, read off the two paths. */
    private Expected after(Phase phase, Outcome outcome, String summary) {
      PhaseCompleted completed = completed(phase, outcome, summary);
      boolean rollingBack = rollingBack();
      boolean taken =
          standing.backupTaken() || (phase == Phase.BACKUP && outcome == Outcome.SUCCEEDED);
      List<Phase> path =
          rollingBack ? who.back(shape, taken, standing.switched()) : who.forward(shape);
      boolean neverSwitched = shape.blueGreen() && !standing.switched();
      String reason = reason();
      return switch (outcome) {
        case SUCCEEDED -> {
          int next = path.indexOf(phase) + 1;
          if (next < path.size()) {
            yield path.get(next) == Phase.DEPLOY
                ? gate(Phase.DEPLOY, 1, taken, standing.approvedBy(), List.of(completed))
                : moveTo(path.get(next), 1, taken, List.of(completed));
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
          String failure = phase + " failed: " + summary;
          if (phase == Phase.PREFLIGHT || phase == Phase.BACKUP) {
            yield finish(Status.FAILED, failure, List.of(completed));
          }
          yield rollBack(failure, completed, taken);
        }
        case ERRORED, NO_DATA -> {
          String couldNotRun =
              phase
                  + " could not run: "
                  + (outcome == Outcome.NO_DATA
                      ? "the worker reported no data, which only an ANALYSIS can: " + summary
                      : summary);
          if (who.restores()) {
            yield finish(Status.FAILED, restoreStopped(phase, couldNotRun), completed);
          }
          if (rollingBack) {
            yield finish(
                Status.ROLLBACK_FAILED, reason + "; then " + couldNotRun, List.of(completed));
          }
          yield finish(
              Status.FAILED,
              switch (phase) {
                case DEPLOY -> couldNotRun + "; nothing was rolled back";
                case VERIFY ->
                    shape.blueGreen()
                        ? couldNotRun
                            + "; version 1.1.0 is on the idle slot green, unverified, and traffic"
                            + " was not switched"
                        : couldNotRun
                            + "; version 1.1.0 is deployed but unverified, and nothing was rolled"
                            + " back";
                case SWITCH ->
                    couldNotRun
                        + "; traffic may be partly on slot green, and nothing was rolled back";
                case VERIFY_LIVE ->
                    couldNotRun
                        + "; version 1.1.0 serves from slot green but is unverified there, and"
                        + " nothing was rolled back";
                case BAKE ->
                    couldNotRun
                        + "; version 1.1.0 is deployed and passed VERIFY but did not finish its"
                        + " bake, and nothing was rolled back";
                default -> couldNotRun;
              },
              List.of(completed));
        }
      };
    }

    /** The way back from a release that failed (or was aborted) in a forward phase. */
    private Expected rollBack(String failure, PhaseCompleted completed, boolean taken) {
      List<Phase> back = shape.back(taken, standing.switched());
      if (back.isEmpty() && shape.blueGreen() && !standing.switched()) {
        return finish(Status.ROLLED_BACK, failure + NEVER_SWITCHED, List.of(completed));
      }
      return back.isEmpty()
          ? finish(
              Status.ROLLBACK_FAILED,
              failure + "; there is no previous version to revert to",
              List.of(completed))
          : new Expected.Moves(
              Status.running(back.getFirst()),
              1,
              deadline(back.getFirst()),
              failure,
              standing.approvedBy(),
              taken,
              List.of(completed, new PhaseStarted(back.getFirst(), 1, deadline(back.getFirst()))));
    }

    /** Only a release being checked is aborted; it rolls back as if its check had failed. */
    private Expected abort() {
      Status status = standing.status();
      if (who.restores()
          || !List.of(Status.VERIFY, Status.VERIFY_LIVE, Status.BAKE).contains(status)) {
        return new Expected.Refuses();
      }
      String why = "aborted by bob: bad";
      return rollBack(
          why,
          completed(status.phase().orElseThrow(), Outcome.FAILED, why),
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
        Phase phase,
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
              Status.HELD, heldAttempt, FREEZE.until(), HELD_NOW, approvers, taken, events);
        }
        events.add(new FreezeOverridden("weekend", who.override(), "ci"));
      }
      events.add(new PhaseStarted(phase, attempt, deadline(phase)));
      return new Expected.Moves(
          Status.running(phase), attempt, deadline(phase), "", approvers, taken, events);
    }

    private Expected moveTo(Phase phase, int attempt, boolean taken, List<DeploymentEvent> before) {
      List<DeploymentEvent> events = new ArrayList<>(before);
      events.add(new PhaseStarted(phase, attempt, deadline(phase)));
      String reason = standing.status() == Status.HELD ? "" : reason();
      return new Expected.Moves(
          Status.running(phase),
          attempt,
          deadline(phase),
          reason,
          standing.approvedBy(),
          taken,
          events);
    }

    private Expected waits(
        Status status,
        Instant deadline,
        String reason,
        List<String> approvers,
        List<DeploymentEvent> events) {
      return new Expected.Moves(
          status, standing.attempt(), deadline, reason, approvers, standing.backupTaken(), events);
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
          events);
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

    private boolean current(Phase phase, int attempt) {
      return standing.status().phase().equals(Optional.of(phase)) && attempt == standing.attempt();
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
    for (Phase phase : who.forward(shape)) {
      boolean taken = !who.restores() && shape.backup() && phase.ordinal() > Phase.BACKUP.ordinal();
      boolean switched =
          !who.restores() && shape.blueGreen() && phase.ordinal() >= Phase.SWITCH.ordinal();
      all.add(new Standing(Status.running(phase), taken, 1, approved, NOW, "", switched));
    }
    boolean[] either = {false, true};
    boolean[] no = {false};
    for (boolean taken : shape.backup() ? either : no) {
      for (boolean switched : shape.blueGreen() ? either : no) {
        for (Phase phase : who.back(shape, taken, switched)) {
          all.add(
              new Standing(
                  Status.running(phase), taken, 1, approved, NOW, FIRST_FAILURE, switched));
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
    return new Standing(status, taken, attempt, approvedBy, deadline, reason, false);
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
    for (int bits = 0; bits < 256; bits++) {
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
              (bits & 128) != 0));
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
        inputs.add(new StepResult(phase, attempt, Outcome.SUCCEEDED, "ok"));
        inputs.add(new StepResult(phase, attempt, Outcome.FAILED, "boom"));
        inputs.add(new StepResult(phase, attempt, Outcome.ERRORED, "boom"));
        inputs.add(new StepResult(phase, attempt, Outcome.NO_DATA, "boom"));
        inputs.add(new DeadlinePassed(phase, attempt));
        inputs.add(new Resume(phase, attempt, "its lease expired"));
        inputs.add(new Progress(phase, attempt, "1 MiB dumped", 1L << 20, 0));
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
        0);
  }
}
