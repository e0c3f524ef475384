package dev.slipway.platform.logging;

import org.slf4j.MDC;

/**
 * Tags the log lines of deployment work with {@code deployment_id} and {@code target} (MDC), which
 * the JSON log format carries as fields. A scope restores what was tagged before it when closed.
 */
public final class DeploymentLog implements AutoCloseable {
  public static final String DEPLOYMENT_ID = "deployment_id";
  public static final String TARGET = "target";

  private final String previousId;
  private final String previousTarget;

  private DeploymentLog() {
    this.previousId = MDC.get(DEPLOYMENT_ID);
    this.previousTarget = MDC.get(TARGET);
  }

  /** Lines logged on this thread until close name this deployment; {@code target} may be null. */
  public static DeploymentLog scope(Object deploymentId, String target) {
    DeploymentLog scope = new DeploymentLog();
    MDC.put(DEPLOYMENT_ID, String.valueOf(deploymentId));
    MDC.remove(TARGET);
    target(target);
    return scope;
  }

  /** The target, once the work has found out which it is ({@code app/environment}). */
  public static void target(String target) {
    if (target != null && !target.isEmpty()) {
      MDC.put(TARGET, target);
    }
  }

  @Override
  public void close() {
    restore(DEPLOYMENT_ID, previousId);
    restore(TARGET, previousTarget);
  }

  private static void restore(String key, String value) {
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
