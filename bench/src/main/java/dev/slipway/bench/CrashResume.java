package dev.slipway.bench;

import dev.slipway.devstack.Service;
import dev.slipway.devstack.ServiceProcess;
import dev.slipway.devstack.Stack;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.Phase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code kill -9} of the orchestrator running a deploy step: how long from the kill until the
 * deployment's next DEPLOY attempt has started, with a second replica on the same host to take it
 * over, and with the only orchestrator restarted.
 */
final class CrashResume {
  private static final String APP = "bench-crash";
  private static final Duration LIMIT = Duration.ofMinutes(2);

  private CrashResume() {}

  static void measure(Stack stack, Slipway slipway, Path adminToken, Report report)
      throws Exception {
    slipway.target(APP, List.of("/bin/sleep", "2"));
    ServiceProcess replica = stack.startReplica(Service.ORCHESTRATOR, stack.orchestratorAddress());
    try (Slipway other = Slipway.connect(replica.address(), adminToken)) {
      double seconds = killDuringDeploy(stack, slipway, other, "1.0.0", () -> {});
      report.add(
          "orchestrator kill -9, two replicas", "kill → step resumed", seconds, "s", 2, true);
      stack.restart(Service.ORCHESTRATOR);
    } finally {
      replica.close();
    }
    double seconds =
        killDuringDeploy(
            stack, slipway, slipway, "2.0.0", () -> stack.restart(Service.ORCHESTRATOR));
    report.add("orchestrator kill -9, one replica", "kill → step resumed", seconds, "s", 2, true);
  }

  private interface Recovery {
    void run() throws Exception;
  }

  /** Kills the orchestrator 300 ms into the step; the seconds until the next attempt started. */
  private static double killDuringDeploy(
      Stack stack, Slipway asked, Slipway resumer, String version, Recovery recovery)
      throws Exception {
    String id = asked.create(APP, version).getId();
    await(asked, id, d -> d.getStatus() == DeploymentStatus.DEPLOYMENT_STATUS_DEPLOY);
    Thread.sleep(300);
    stack.kill(Service.ORCHESTRATOR);
    long killed = System.nanoTime();
    recovery.run();
    await(resumer, id, d -> deployAttempts(d) >= 2);
    double seconds = (System.nanoTime() - killed) / 1e9;
    DeploymentStatus ended = resumer.awaitFinished(id);
    if (ended != DeploymentStatus.DEPLOYMENT_STATUS_SUCCEEDED) {
      throw new IllegalStateException("the resumed deployment " + id + " ended " + ended);
    }
    return seconds;
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
