package dev.slipway.orchestrator.domain;

import java.time.Duration;
import java.util.List;

/**
 * A canary release's steps: each sets a weight (the percent of traffic on the new version) and,
 * with a pause, analyses the release at that weight for so long.
 *
 * @param noData what a step whose analysis saw no data does
 */
public record Canary(List<Step> steps, NoData noData) {
  /** No canary: the release moves all traffic at once. */
  public static final Canary NONE = new Canary(List.of(), NoData.PAUSE);

  /** One step; a zero pause goes on at once, without analysis. */
  public record Step(int weight, Duration pause) {
    public Step {
      if (weight < 1 || weight > 100) {
        throw new IllegalArgumentException("a canary weight is 1..100, not " + weight);
      }
    }

    public boolean analysed() {
      return pause.isPositive();
    }
  }

  /** What a step whose analysis saw no data does. */
  public enum NoData {
    /** Wait for a person: promote goes on, abort rolls back. */
    PAUSE,
    /** Roll back, as a failed analysis does. */
    FAIL,
    /** Go on to the next step. */
    CONTINUE
  }

  public Canary {
    steps = List.copyOf(steps);
    for (int i = 1; i < steps.size(); i++) {
      if (steps.get(i).weight() <= steps.get(i - 1).weight()) {
        throw new IllegalArgumentException("canary weights must rise step by step");
      }
    }
    if (!steps.isEmpty() && steps.getLast().weight() != 100) {
      throw new IllegalArgumentException("a canary's last step has weight 100");
    }
  }

  public boolean enabled() {
    return !steps.isEmpty();
  }

  /** Step {@code number}, 1-based. */
  public Step step(int number) {
    return steps.get(number - 1);
  }

  public boolean last(int number) {
    return number == steps.size();
  }
}
