package dev.slipway.platform.grpc;

import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.ReportStepResponse;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's line back to the orchestrator. Reports are idempotent there, so a report whose
 * answer was lost is simply sent again until the orchestrator answers or the retry budget ends.
 */
public final class StepReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StepReporter.class);
  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

  private final ManagedChannel channel;
  private final StepReportServiceGrpc.StepReportServiceBlockingStub stub;

  public StepReporter(String orchestratorAddress, String reporter) {
    this.channel = ManagedChannelBuilder.forTarget(orchestratorAddress).usePlaintext().build();
    Metadata headers = new Metadata();
    headers.put(Caller.ACTOR_HEADER, reporter);
    this.stub =
        StepReportServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** Sends the report; returns whether the orchestrator accepted it (false: stale or duplicate). */
  public boolean report(ReportStepRequest request) throws InterruptedException {
    long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    long backoffMillis = 200;
    while (true) {
      try {
        ReportStepResponse response =
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).reportStep(request);
        return response.getAccepted();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        boolean transientFailure =
            code == Status.Code.UNAVAILABLE
                || code == Status.Code.DEADLINE_EXCEEDED
                || code == Status.Code.RESOURCE_EXHAUSTED;
        if (!transientFailure || System.nanoTime() > giveUpAt) {
          throw e;
        }
        LOG.warn("orchestrator unreachable ({}), retrying report of {} {}", code,
            request.getDeploymentId(), request.getPhase());
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
