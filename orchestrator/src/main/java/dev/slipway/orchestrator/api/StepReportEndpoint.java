package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.deployments.Deployments;
import dev.slipway.orchestrator.domain.Decision;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Outcome;
import dev.slipway.orchestrator.domain.Phase;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.internal.v1.ReportProgressRequest;
import dev.slipway.proto.internal.v1.ReportProgressResponse;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.ReportStepResponse;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Workers report phase results here, each only for the phases it runs; stale and repeated reports
 * are accepted=false, not errors. The evidence is kept with the verdict.
 */
@Singleton
public class StepReportEndpoint extends StepReportServiceGrpc.StepReportServiceImplBase {
  private static final Duration PROGRESS_SPACING = Duration.ofSeconds(5);
  private static final int MAX_TRACKED = 10_000;
  private final Deployments deployments;
  private final Clock clock;
  private final Map<String, Instant> lastProgress = new ConcurrentHashMap<>();

  public StepReportEndpoint(Deployments deployments, Clock clock) {
    this.deployments = deployments;
    this.clock = clock;
  }

  @Override
  public void reportStep(ReportStepRequest request, StreamObserver<ReportStepResponse> response) {
    try {
      Attempt at = authorized(request.getDeploymentId(), request.getPhase(), request.getAttempt());
      List<Input.Evidence> evidence =
          request.getEvidenceList().stream()
              .map(e -> new Input.Evidence(e.getName(), e.getPassed(), e.getDetail()))
              .toList();
      Input.StepResult result =
          new Input.StepResult(
              at.phase(),
              request.getAttempt(),
              outcome(request),
              request.getSummary(),
              evidence,
              request.getStep());
      Decision decision = deployments.apply(at.id(), result, false);
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

  @Override
  public void reportProgress(
      ReportProgressRequest request, StreamObserver<ReportProgressResponse> response) {
    try {
      Attempt at = authorized(request.getDeploymentId(), request.getPhase(), request.getAttempt());
      if (request.getBytes() < 0) {
        throw new InvalidInput("bytes", "must not be negative");
      }
      boolean accepted = false;
      if (takesProgressNow(at, request.getStep(), request.getAttempt())) {
        Input.Progress progress =
            new Input.Progress(
                at.phase(),
                request.getAttempt(),
                request.getDetail(),
                request.getBytes(),
                request.getStep());
        // Skipping a locked deployment: progress is never worth waiting for.
        accepted = deployments.apply(at.id(), progress, true) instanceof Decision.Transition;
      }
      response.onNext(ReportProgressResponse.newBuilder().setAccepted(accepted).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
    }
  }

  /** At most one progress event per phase attempt every few seconds, whatever a worker sends. */
  private boolean takesProgressNow(Attempt at, int step, int attempt) {
    if (lastProgress.size() > MAX_TRACKED) {
      lastProgress.clear();
    }
    Instant now = clock.instant();
    String key = at.id() + "/" + at.phase() + "/" + step + "/" + attempt;
    boolean[] taken = {false};
    lastProgress.compute(
        key,
        (k, last) -> {
          taken[0] = last == null || !now.isBefore(last.plus(PROGRESS_SPACING));
          return taken[0] ? now : last;
        });
    return taken[0];
  }

  private record Attempt(UUID id, Phase phase) {}

  /** The phase attempt a report is about, once the caller is the worker that runs that phase. */
  private static Attempt authorized(
      String deploymentId, dev.slipway.proto.v1.Phase protoPhase, int attempt) {
    UUID id;
    try {
      id = UUID.fromString(deploymentId);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("deployment_id", "is not a UUID");
    }
    if (attempt < 1) {
      throw new InvalidInput("attempt", "must be at least 1");
    }
    Phase phase;
    try {
      phase = EventCodec.phase(protoPhase);
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
    return new Attempt(id, phase);
  }

  /** Workers before the outcome field said only succeeded or not. */
  private static Outcome outcome(ReportStepRequest request) {
    return switch (request.getOutcome()) {
      case PHASE_OUTCOME_SUCCEEDED -> Outcome.SUCCEEDED;
      case PHASE_OUTCOME_FAILED -> Outcome.FAILED;
      case PHASE_OUTCOME_ERRORED -> Outcome.ERRORED;
      case PHASE_OUTCOME_NO_DATA -> Outcome.NO_DATA;
      case PHASE_OUTCOME_UNSPECIFIED -> request.getSucceeded() ? Outcome.SUCCEEDED : Outcome.FAILED;
      case PHASE_OUTCOME_RUNNING, UNRECOGNIZED ->
          throw new InvalidInput("outcome", request.getOutcome() + " is not how a phase ends");
    };
  }
}
