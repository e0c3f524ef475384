package dev.slipway.platform.grpc;

import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.GetDeploymentRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's line to the orchestrator: it reads the deployment it works on (with its pinned target
 * spec) and reports the result of its phase. Both calls are idempotent, so a call whose answer was
 * lost is simply sent again until the orchestrator answers or the retry budget ends.
 */
public final class OrchestratorClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestratorClient.class);
  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

  private final ManagedChannel channel;
  private final StepReportServiceGrpc.StepReportServiceBlockingStub stub;
  private final DeploymentServiceGrpc.DeploymentServiceBlockingStub deployments;

  public OrchestratorClient(String orchestratorAddress, String reporter) {
    this.channel = ManagedChannelBuilder.forTarget(orchestratorAddress).usePlaintext().build();
    Metadata headers = new Metadata();
    headers.put(Caller.ACTOR_HEADER, reporter);
    this.stub =
        StepReportServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    this.deployments =
        DeploymentServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** The deployment with its pinned target spec. */
  public Deployment deployment(String deploymentId) throws InterruptedException {
    GetDeploymentRequest request = GetDeploymentRequest.newBuilder().setDeploymentId(deploymentId).build();
    return retrying(() -> deployments.withDeadlineAfter(10, TimeUnit.SECONDS).getDeployment(request),
        "read deployment " + deploymentId);
  }

  /** Sends the report; returns whether the orchestrator accepted it (false: stale or duplicate). */
  public boolean report(ReportStepRequest request) throws InterruptedException {
    return retrying(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).reportStep(request),
        "report " + request.getPhase() + " of " + request.getDeploymentId()).getAccepted();
  }

  private static <T> T retrying(Supplier<T> call, String what) throws InterruptedException {
    long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    long backoffMillis = 200;
    while (true) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean transientFailure =
            code == Status.Code.UNAVAILABLE
                || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED;
        if (!transientFailure || System.nanoTime() > giveUpAt) {
          throw e;
        }
        LOG.warn("orchestrator unreachable ({}), retrying: {}", code, what);
        Thread.sleep(backoffMillis);
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
  }
}
