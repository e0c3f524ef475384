package dev.slipway.orchestrator.domain;

import java.util.HashSet;
import java.util.List;

/**
 * A rolling release's instances, released in waves of {@code maxUnavailable}: each wave is deployed
 * and verified before the next starts, and a failure reverts the waves released so far.
 */
public record Rolling(List<String> instances, int maxUnavailable) {
  /** Not rolling: the release deploys the target as one. */
  public static final Rolling NONE = new Rolling(List.of(), 1);

  public Rolling {
    instances = List.copyOf(instances);
    if (maxUnavailable < 1 || (!instances.isEmpty() && maxUnavailable > instances.size())) {
      throw new IllegalArgumentException(
          "maxUnavailable is 1.." + instances.size() + ", not " + maxUnavailable);
    }
    if (new HashSet<>(instances).size() != instances.size()) {
      throw new IllegalArgumentException("instances repeat: " + instances);
    }
  }

  public boolean enabled() {
    return !instances.isEmpty();
  }

  public int waves() {
    return (instances.size() + maxUnavailable - 1) / maxUnavailable;
  }

  /** The instances of wave {@code number} (1-based); all of them for 0. */
  public List<String> wave(int number) {
    return number == 0 ? instances : instances.subList((number - 1) * maxUnavailable, end(number));
  }

  /** The instances of waves 1 to {@code number}, the last released first: the order of a revert. */
  public List<String> releasedUpTo(int number) {
    return (number == 0 ? instances : instances.subList(0, end(number))).reversed();
  }

  public boolean last(int number) {
    return number == waves();
  }

  /**
   * The phases whose step is a wave: DEPLOY and VERIFY run once per wave, REVERT and
   * VERIFY_ROLLBACK undo the waves up to the one the release stopped at.
   */
  public boolean byWave(Phase phase) {
    return enabled()
        && switch (phase) {
          case DEPLOY, VERIFY, REVERT, VERIFY_ROLLBACK -> true;
          default -> false;
        };
  }

  private int end(int number) {
    return Math.min(number * maxUnavailable, instances.size());
  }
}
