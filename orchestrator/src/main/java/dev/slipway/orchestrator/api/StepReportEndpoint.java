package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.deployments.Deployments;
import dev.slipway.orchestrator.domain.Decision;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.ReportStepResponse;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.UUID;

/** Workers report phase results here; stale and repeated reports are accepted=false, not errors. */
@Singleton
public class StepReportEndpoint extends StepReportServiceGrpc.StepReportServiceImplBase {
  private static final int MAX_SUMMARY = 2_000;
  private final Deployments deployments;

  public StepReportEndpoint(Deployments deployments) {
    this.deployments = deployments;
  }

  @Override
  public void reportStep(ReportStepRequest request, StreamObserver<ReportStepResponse> response) {
    try {
      UUID id;
      try {
        id = UUID.fromString(request.getDeploymentId());
      } catch (IllegalArgumentException e) {
        throw new InvalidInput("deployment_id", "is not a UUID");
      }
      if (request.getAttempt() < 1) {
        throw new InvalidInput("attempt", "must be at least 1");
      }
      String summary = request.getSummary().length() > MAX_SUMMARY
          ? request.getSummary().substring(0, MAX_SUMMARY) + "…" : request.getSummary();
      Input.StepResult result;
      try {
        result = new Input.StepResult(EventCodec.phase(request.getPhase()), request.getAttempt(),
            request.getSucceeded(), summary);
      } catch (IllegalArgumentException e) {
        throw new InvalidInput("phase", e.getMessage());
      }
      Decision decision = deployments.apply(id, result, false);
      response.onNext(ReportStepResponse.newBuilder().setAccepted(decision instanceof Decision.Transition).build());
      response.onCompleted();
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
    }
  }
}
