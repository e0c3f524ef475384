package dev.slipway.bench;

import dev.slipway.devstack.Service;
import dev.slipway.devstack.Stack;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.Phase;
import java.time.Duration;
import java.util.List;

/**
 * {@code kill -9} of the only orchestrator while a deploy step runs, then a restart: how long from
 * the kill until the deployment's next DEPLOY attempt has started.
 */
final class CrashResume {
  private static final String APP = "bench-crash";
  private static final Duration LIMIT = Duration.ofMinutes(2);

  private CrashResume() {}

  static void measure(Stack stack, Slipway slipway, Report report) throws Exception {
    slipway.target(APP, List.of("/bin/sleep", "2"));
    String id = slipway.create(APP, "1.0.0").getId();
    await(slipway, id, d -> d.getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_DEPLOY);
    Thread.sleep(300);
    stack.kill(Service.ORCHESTRATOR);
    long killed = System.nanoTime();
    stack.restart(Service.ORCHESTRATOR);
    await(slipway, id, d -> deployAttempts(d) >= 2);
    double seconds = (System.nanoTime() - killed) / 1e9;
    DeploymentStatus ended = slipway.awaitFinished(id);
    if (ended != DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED) {
      throw new IllegalStateException("the resumed deployment " + id + " ended " + ended);
    }
    report.add("orchestrator kill -9, one replica", "kill → step resumed", seconds, "s", 2, true);
  }

  private static long deployAttempts(Deployment d) {
    return d.getPhasesList().stream().filter(p -> p.getPhase() == Phase.PHASE_DEPLOY).count();
  }

  private static void await(
      Slipway slipway, String id, java.util.function.Predicate<Deployment> met) throws Exception {
    long deadline = System.nanoTime() + LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (met.test(
            slipway.deployments.getDeployment(
                GetDeploymentRequest.newBuilder().setDeploymentId(id).build()))) {
          return;
        }
      } catch (io.grpc.StatusRuntimeException unavailable) {
        // The orchestrator is coming back.
      }
      Thread.sleep(20);
    }
    throw new IllegalStateException("deployment " + id + " did not get there within " + LIMIT);
  }
}
