package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.deployments.Deployments;
import dev.slipway.orchestrator.domain.Decision;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Outcome;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.ReportStepResponse;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;

/**
 * Workers report phase results here, each only for the phases it runs; stale and repeated reports
 * are accepted=false, not errors. The evidence is kept with the verdict.
 */
@Singleton
public class StepReportEndpoint extends StepReportServiceGrpc.StepReportServiceImplBase {
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
      Phase phase;
      try {
        phase = EventCodec.phase(request.getPhase());
      } catch (IllegalArgumentException e) {
        throw new InvalidInput("phase", e.getMessage());
      }
      if (phase.runsLocally()) {
        throw new InvalidInput(
            "phase", phase + " is run by the orchestrator itself; no worker reports it");
      }
      // Workers' tokens are named after their service (README, "Access control").
      String worker = phase.worker().serviceName();
      String caller = Caller.current().name();
      if (!caller.equals(worker) && !caller.startsWith(worker + "-")) {
        throw Status.PERMISSION_DENIED
            .withDescription(
                "token '"
                    + caller
                    + "' cannot report "
                    + phase
                    + ": only the "
                    + worker
                    + " does (its token is named "
                    + worker
                    + " or "
                    + worker
                    + "-…)")
            .asRuntimeException();
      }
      List<Input.Evidence> evidence =
          request.getEvidenceList().stream()
              .map(e -> new Input.Evidence(e.getName(), e.getPassed(), e.getDetail()))
              .toList();
      Input.StepResult result =
          new Input.StepResult(
              phase, request.getAttempt(), outcome(request), request.getSummary(), evidence);
      Decision decision = deployments.apply(id, result, false);
      response.onNext(
          ReportStepResponse.newBuilder()
              .setAccepted(decision instanceof Decision.Transition)
              .build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
    }
  }

  /** Workers before the outcome field said only succeeded or not. */
  private static Outcome outcome(ReportStepRequest request) {
    return switch (request.getOutcome()) {
      case PHASE_OUTCOME_SUCCEEDED -> Outcome.SUCCEEDED;
      case PHASE_OUTCOME_FAILED -> Outcome.FAILED;
      case PHASE_OUTCOME_ERRORED -> Outcome.ERRORED;
      case PHASE_OUTCOME_UNSPECIFIED -> request.getSucceeded() ? Outcome.SUCCEEDED : Outcome.FAILED;
      case PHASE_OUTCOME_RUNNING, UNRECOGNIZED ->
          throw new InvalidInput("outcome", request.getOutcome() + " is not how a phase ends");
    };
  }
}
