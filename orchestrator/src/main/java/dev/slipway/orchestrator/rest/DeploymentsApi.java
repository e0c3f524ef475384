package dev.slipway.orchestrator.rest;

import dev.slipway.orchestrator.rest.ApiAuth.Credentials;
import dev.slipway.proto.v1.AbortDeploymentRequest;
import dev.slipway.proto.v1.ApproveDeploymentRequest;
import dev.slipway.proto.v1.CancelDeploymentRequest;
import dev.slipway.proto.v1.CreateDeploymentRequest;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.DeploymentServiceGrpc.DeploymentServiceBlockingStub;
import dev.slipway.proto.v1.DeploymentStatus;
import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.GetStepLogsRequest;
import dev.slipway.proto.v1.ListDeploymentsRequest;
import dev.slipway.proto.v1.Phase;
import dev.slipway.proto.v1.PromoteDeploymentRequest;
import dev.slipway.proto.v1.RejectDeploymentRequest;
import dev.slipway.proto.v1.StepLogLine;
import dev.slipway.proto.v1.StepLogPage;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** {@code /api/v1/deployments}: start, read, list and steer deployments. */
@Controller("/api/v1/deployments")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "deployments")
public class DeploymentsApi {
  /** The whole log of one attempt is at most this large when downloaded. */
  static final int MAX_LOG_DOWNLOAD = 16 << 20;

  private final ApiChannel api;
  private final ApiAuth auth;

  public DeploymentsApi(ApiChannel api, ApiAuth auth) {
    this.api = api;
    this.auth = auth;
  }

  private DeploymentServiceBlockingStub calls(HttpRequest<?> request) {
    Credentials credentials = auth.of(request);
    return api.unary(DeploymentServiceGrpc::newBlockingStub, credentials);
  }

  @Post
  @Operation(
      summary = "Start a deployment",
      description =
          "The same Idempotency-Key (header, or idempotencyKey in the body) returns the same"
              + " deployment: a retry never starts a second one.")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.CREATE_DEPLOYMENT)))
  @ApiResponse(
      responseCode = "201",
      description = "Started (or the one this key started before)",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> create(
      HttpRequest<?> request,
      @Nullable @Header("Idempotency-Key") String idempotencyKey,
      @Nullable @Body String body) {
    CreateDeploymentRequest.Builder create =
        ProtoJson.merge(body, CreateDeploymentRequest.newBuilder());
    create.setIdempotencyKey(TargetsApi.keyOf(idempotencyKey, create.getIdempotencyKey()));
    Deployment created = calls(request).createDeployment(create.build());
    return ProtoJson.started(created);
  }

  @Get
  @Operation(summary = "List deployments, newest first (keyset-paginated)")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.LIST_DEPLOYMENTS)))
  public HttpResponse<String> list(
      HttpRequest<?> request,
      @Nullable @QueryValue String app,
      @Nullable @QueryValue String environment,
      @Nullable @QueryValue String status,
      @Nullable @QueryValue String requestedBy,
      @Nullable @QueryValue String version,
      @Nullable @QueryValue Integer pageSize,
      @Nullable @QueryValue String pageToken) {
    ListDeploymentsRequest list =
        ListDeploymentsRequest.newBuilder()
            .setApp(ProtoJson.text(app))
            .setEnvironment(ProtoJson.text(environment))
            .setStatus(
                ProtoJson.enumValue(
                    DeploymentStatus.class,
                    "status",
                    status,
                    DeploymentStatus.DEPLOYMENT_STATUS_UNSPECIFIED))
            .setRequestedBy(ProtoJson.text(requestedBy))
            .setVersion(ProtoJson.text(version))
            .setPageSize(ProtoJson.orZero(pageSize))
            .setPageToken(ProtoJson.text(pageToken))
            .build();
    return ProtoJson.ok(calls(request).listDeployments(list));
  }

  @Get("/{id}")
  @Operation(summary = "A deployment with its phases, approvals and evidence")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> get(
      HttpRequest<?> request, @PathVariable String id, @Nullable @QueryValue Integer logTail) {
    return ProtoJson.ok(
        calls(request)
            .getDeployment(
                GetDeploymentRequest.newBuilder()
                    .setDeploymentId(id)
                    .setLogTail(ProtoJson.orZero(logTail))
                    .build()));
  }

  @Get("/{id}/phases/{phase}/attempts/{attempt}/log")
  @Operation(summary = "A page of one phase attempt's output")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.LOG_PAGE)))
  public HttpResponse<String> log(
      HttpRequest<?> request,
      @PathVariable String id,
      @PathVariable String phase,
      @PathVariable int attempt,
      @Nullable @QueryValue Integer step,
      @Nullable @QueryValue Integer afterLine,
      @Nullable @QueryValue Integer pageSize) {
    return ProtoJson.ok(
        calls(request)
            .getStepLogs(
                logRequest(id, phase, attempt, step)
                    .setAfterLine(ProtoJson.orZero(afterLine))
                    .setPageSize(ProtoJson.orZero(pageSize))
                    .build()));
  }

  @Get(value = "/{id}/phases/{phase}/attempts/{attempt}/log.txt", produces = MediaType.TEXT_PLAIN)
  @Operation(summary = "One phase attempt's whole output as text (at most 16 MiB)")
  @ApiResponse(
      responseCode = "200",
      content = @Content(mediaType = MediaType.TEXT_PLAIN, schema = @Schema(type = "string")))
  public HttpResponse<byte[]> download(
      HttpRequest<?> request,
      @PathVariable String id,
      @PathVariable String phase,
      @PathVariable int attempt,
      @Nullable @QueryValue Integer step) {
    DeploymentServiceBlockingStub calls = calls(request);
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int after = 0;
    boolean more = true;
    while (more && text.size() < MAX_LOG_DOWNLOAD) {
      StepLogPage page =
          calls.getStepLogs(
              logRequest(id, phase, attempt, step).setAfterLine(after).setPageSize(1_000).build());
      for (StepLogLine line : page.getLinesList()) {
        text.writeBytes((line.getText() + "\n").getBytes(StandardCharsets.UTF_8));
        after = line.getLineNo();
      }
      more = page.getMore() && page.getLinesCount() > 0;
    }
    if (more) {
      text.writeBytes("[slipway: cut at 16 MiB]\n".getBytes(StandardCharsets.UTF_8));
    }
    String file =
        id
            + "-"
            + phase.toLowerCase(java.util.Locale.ROOT)
            + (ProtoJson.orZero(step) > 0 ? "-step" + step : "")
            + "-"
            + attempt
            + ".log";
    return HttpResponse.ok(text.toByteArray())
        .contentType(MediaType.TEXT_PLAIN_TYPE)
        .header("Content-Disposition", "attachment; filename=\"" + file + "\"");
  }

  /** {@code step}: a canary's step or a rolling release's wave; absent outside them. */
  private static GetStepLogsRequest.Builder logRequest(
      String id, String phase, int attempt, @Nullable Integer step) {
    return GetStepLogsRequest.newBuilder()
        .setDeploymentId(id)
        .setPhase(ProtoJson.enumValue(Phase.class, "phase", phase, Phase.PHASE_UNSPECIFIED))
        .setAttempt(attempt)
        .setStep(ProtoJson.orZero(step));
  }

  @Post("/{id}/cancel")
  @Operation(summary = "Cancel a deployment that has changed nothing yet")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.CANCEL)))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> cancel(
      HttpRequest<?> request, @PathVariable String id, @Nullable @Body String body) {
    CancelDeploymentRequest.Builder cancel =
        ProtoJson.merge(body, CancelDeploymentRequest.newBuilder()).setDeploymentId(id);
    return ProtoJson.ok(calls(request).cancelDeployment(cancel.build()));
  }

  @Post("/{id}/approve")
  @Operation(summary = "Approve a deployment awaiting approval (not your own)")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.APPROVE)))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> approve(
      HttpRequest<?> request, @PathVariable String id, @Nullable @Body String body) {
    ApproveDeploymentRequest.Builder approve =
        ProtoJson.merge(body, ApproveDeploymentRequest.newBuilder()).setDeploymentId(id);
    return ProtoJson.ok(calls(request).approveDeployment(approve.build()));
  }

  @Post("/{id}/reject")
  @Operation(summary = "Reject a deployment awaiting approval; it ends FAILED with the reason")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.REJECT)))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> reject(
      HttpRequest<?> request, @PathVariable String id, @Nullable @Body String body) {
    RejectDeploymentRequest.Builder reject =
        ProtoJson.merge(body, RejectDeploymentRequest.newBuilder()).setDeploymentId(id);
    return ProtoJson.ok(calls(request).rejectDeployment(reject.build()));
  }

  @Post("/{id}/promote")
  @Operation(
      summary =
          "End a deployment's BAKE early (it succeeds now), a canary's ANALYSIS early (as passed),"
              + " or a canary's pause (its next step begins)")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> promote(HttpRequest<?> request, @PathVariable String id) {
    return ProtoJson.ok(
        calls(request)
            .promoteDeployment(PromoteDeploymentRequest.newBuilder().setDeploymentId(id).build()));
  }

  @Post("/{id}/abort")
  @Operation(
      summary = "Roll back a release being checked (VERIFY, ANALYSIS, BAKE…) or a paused canary")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.ABORT)))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> abort(
      HttpRequest<?> request, @PathVariable String id, @Nullable @Body String body) {
    AbortDeploymentRequest.Builder abort =
        ProtoJson.merge(body, AbortDeploymentRequest.newBuilder()).setDeploymentId(id);
    return ProtoJson.ok(calls(request).abortDeployment(abort.build()));
  }
}
