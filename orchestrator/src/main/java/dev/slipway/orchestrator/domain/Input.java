package dev.slipway.orchestrator.domain;

import java.util.List;

/** Everything that can move a deployment. */
public sealed interface Input {

  /** Start a requested deployment, or a queued one whose turn came: its gates, then a phase. */
  record Start() implements Input {}

  /** Put a requested deployment in its target's queue, behind {@code behind}, at a position. */
  record Queue(String behind, int position) implements Input {}

  /** An identity allowed to approve releases of the environment approves this one. */
  record Approve(String by, String comment) implements Input {
    public Approve {
      comment = cut(comment);
    }
  }

  /** An identity allowed to approve releases of the environment rejects this one. */
  record Reject(String by, String reason) implements Input {
    public Reject {
      reason = cut(reason);
    }
  }

  /**
   * End a bake early (the release counts as good now), a canary's analysis early (as passed), or a
   * canary's pause (the next step begins).
   */
  record Promote(String by) implements Input {}

  /** Roll back a release whose new version is being checked, or a paused canary. */
  record Abort(String by, String reason) implements Input {
    public Abort {
      reason = cut(reason);
    }
  }

  /** A waiting deployment's deadline passed: its approval expires, or its hold is looked at. */
  record Wake() implements Input {}

  /**
   * A worker's (or the local step driver's) result for one attempt of one phase (of one canary step
   * or rolling wave: {@code step}, 0 outside them), with what the worker looked at. The summary
   * travels in events, notifications and the phase record: it is cut to {@link #MAX_SUMMARY}
   * characters; evidence is kept to {@link #MAX_EVIDENCE} items.
   */
  record StepResult(
      Phase phase, int attempt, Outcome outcome, String summary, List<Evidence> evidence, int step)
      implements Input {
    public static final int MAX_SUMMARY = 2_000;
    public static final int MAX_EVIDENCE = 50;

    public StepResult {
      summary = cut(summary);
      evidence = List.copyOf(evidence.subList(0, Math.min(evidence.size(), MAX_EVIDENCE)));
    }

    public StepResult(
        Phase phase, int attempt, Outcome outcome, String summary, List<Evidence> evidence) {
      this(phase, attempt, outcome, summary, evidence, 0);
    }

    public StepResult(Phase phase, int attempt, Outcome outcome, String summary) {
      this(phase, attempt, outcome, summary, List.of(), 0);
    }
  }

  /** One observation behind a verdict: a check and what it saw, an artifact and its checksum. */
  record Evidence(String name, boolean passed, String detail) {
    public Evidence {
      name = cut(name);
      detail = cut(detail);
    }
  }

  private static String cut(String text) {
    return text.length() <= StepResult.MAX_SUMMARY
        ? text
        : text.substring(0, StepResult.MAX_SUMMARY) + "…";
  }

  /** A worker says how far a phase attempt it runs has come; the detail is one short line. */
  record Progress(Phase phase, int attempt, String detail, long bytes, int step) implements Input {
    public static final int MAX_DETAIL = 200;

    public Progress {
      detail = detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "…";
    }
  }

  /** The deadline of one attempt of one phase (of one canary step) passed without a result. */
  record DeadlinePassed(Phase phase, int attempt, int step) implements Input {
    public DeadlinePassed(Phase phase, int attempt) {
      this(phase, attempt, 0);
    }
  }

  /**
   * A local phase lost its runner (its orchestrator died or stopped renewing the lease, {@code
   * why}): run it again as a new attempt.
   */
  record Resume(Phase phase, int attempt, String why, int step) implements Input {
    public Resume(Phase phase, int attempt, String why) {
      this(phase, attempt, why, 0);
    }
  }

  /** A user asked to cancel. */
  record Cancel(String reason) implements Input {
    public Cancel {
      reason = cut(reason);
    }
  }
}
