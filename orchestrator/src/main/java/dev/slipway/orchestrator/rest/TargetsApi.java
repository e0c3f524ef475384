package dev.slipway.orchestrator.rest;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.rest.ApiAuth.Credentials;
import dev.slipway.orchestrator.targets.TargetDocuments;
import dev.slipway.proto.v1.ApplyFreezeWindowRequest;
import dev.slipway.proto.v1.ApplyTargetRequest;
import dev.slipway.proto.v1.DeleteFreezeWindowRequest;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.DeploymentServiceGrpc.DeploymentServiceBlockingStub;
import dev.slipway.proto.v1.FreezeWindow;
import dev.slipway.proto.v1.GetLedgerRequest;
import dev.slipway.proto.v1.GetTargetRequest;
import dev.slipway.proto.v1.ListFreezeWindowsRequest;
import dev.slipway.proto.v1.ListQuarantinedRequest;
import dev.slipway.proto.v1.ListTargetsRequest;
import dev.slipway.proto.v1.ReleaseQuarantinedRequest;
import dev.slipway.proto.v1.RestoreBackupRequest;
import dev.slipway.proto.v1.RollbackTargetRequest;
import dev.slipway.proto.v1.TargetSpec;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/** {@code /api/v1/targets} and {@code /api/v1/freeze-windows}: what can be deployed, and when. */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "targets")
public class TargetsApi {
  private static final String YAML = "application/yaml";
  private final ApiChannel api;
  private final ApiAuth auth;

  public TargetsApi(ApiChannel api, ApiAuth auth) {
    this.api = api;
    this.auth = auth;
  }

  private DeploymentServiceBlockingStub calls(HttpRequest<?> request) {
    Credentials credentials = auth.of(request);
    return api.unary(DeploymentServiceGrpc::newBlockingStub, credentials);
  }

  @Get("/targets")
  @Operation(summary = "List targets with what runs there, by app then environment")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.LIST_TARGETS)))
  public HttpResponse<String> list(
      HttpRequest<?> request,
      @Nullable @QueryValue Integer pageSize,
      @Nullable @QueryValue String pageToken) {
    return ProtoJson.ok(
        calls(request)
            .listTargets(
                ListTargetsRequest.newBuilder()
                    .setPageSize(ProtoJson.orZero(pageSize))
                    .setPageToken(ProtoJson.text(pageToken))
                    .build()));
  }

  @Get("/targets/{app}/{environment}")
  @Operation(summary = "A target: its spec (secrets by name only) and what runs there")
  @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(ref = ApiSchemas.TARGET)))
  public HttpResponse<String> get(
      HttpRequest<?> request, @PathVariable String app, @PathVariable String environment) {
    return ProtoJson.ok(
        calls(request)
            .getTarget(
                GetTargetRequest.newBuilder().setApp(app).setEnvironment(environment).build()));
  }

  @Put("/targets/{app}/{environment}")
  @Consumes({MediaType.APPLICATION_JSON, YAML})
  @Operation(
      summary = "Register or replace a target",
      description =
          "The spec as JSON (TargetSpec), or the same YAML document `slipway apply` reads, sent as"
              + " application/yaml. Its app and environment must be the path's.")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.TARGET_SPEC)))
  @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(ref = ApiSchemas.TARGET)))
  public HttpResponse<String> apply(
      HttpRequest<?> request,
      @PathVariable String app,
      @PathVariable String environment,
      @Nullable @Body String body) {
    if (body == null || body.isBlank()) {
      throw ApiProblem.badRequest("body", "is required: the target's spec");
    }
    boolean yaml = request.getContentType().map(t -> t.getName().equals(YAML)).orElse(false);
    TargetSpec.Builder spec;
    try {
      spec =
          yaml
              ? TargetDocuments.parse(body).toBuilder()
              : ProtoJson.merge(body, TargetSpec.newBuilder());
    } catch (InvalidInput invalid) {
      throw ApiProblem.invalid(invalid);
    }
    // The names are checked before anything is applied: a mismatch changes nothing.
    checkNamed("app", spec.getApp(), app);
    checkNamed("environment", spec.getEnvironment(), environment);
    var target =
        calls(request)
            .applyTarget(
                ApplyTargetRequest.newBuilder()
                    .setSpec(spec.setApp(app).setEnvironment(environment))
                    .build());
    return ProtoJson.ok(target);
  }

  /** The Idempotency-Key header, else the body's key; both given, they must agree. */
  static String keyOf(String header, String inBody) {
    if (header == null || header.isBlank()) {
      return inBody;
    }
    if (!inBody.isEmpty() && !inBody.equals(header)) {
      throw ApiProblem.badRequest(
          "idempotencyKey", "differs from the Idempotency-Key header; send one of them");
    }
    return header;
  }

  private static void checkNamed(String field, String inBody, String inPath) {
    if (!inBody.isEmpty() && !inBody.equals(inPath)) {
      throw ApiProblem.badRequest(field, "is '" + inBody + "' but the path names '" + inPath + "'");
    }
  }

  @Get("/targets/{app}/{environment}/ledger")
  @Operation(summary = "Every version that ran on the target, newest first (keyset-paginated)")
  @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(ref = ApiSchemas.LEDGER)))
  public HttpResponse<String> ledger(
      HttpRequest<?> request,
      @PathVariable String app,
      @PathVariable String environment,
      @Nullable @QueryValue Integer pageSize,
      @Nullable @QueryValue String pageToken) {
    return ProtoJson.ok(
        calls(request)
            .getLedger(
                GetLedgerRequest.newBuilder()
                    .setApp(app)
                    .setEnvironment(environment)
                    .setPageSize(ProtoJson.orZero(pageSize))
                    .setPageToken(ProtoJson.text(pageToken))
                    .build()));
  }

  @Get("/quarantined")
  @Operation(summary = "Versions rolled back on their target, newest first")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.LIST_QUARANTINED)))
  public HttpResponse<String> quarantined(
      HttpRequest<?> request,
      @Nullable @QueryValue String app,
      @Nullable @QueryValue String environment,
      @Nullable @QueryValue Boolean includeReleased) {
    return ProtoJson.ok(
        calls(request)
            .listQuarantined(
                ListQuarantinedRequest.newBuilder()
                    .setApp(ProtoJson.text(app))
                    .setEnvironment(ProtoJson.text(environment))
                    .setIncludeReleased(Boolean.TRUE.equals(includeReleased))
                    .build()));
  }

  @Post("/targets/{app}/{environment}/quarantined/{version}/release")
  @Operation(summary = "Let a quarantined version be deployed again, saying why")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.RELEASE)))
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.QUARANTINED)))
  public HttpResponse<String> release(
      HttpRequest<?> request,
      @PathVariable String app,
      @PathVariable String environment,
      @PathVariable String version,
      @Nullable @Body String body) {
    ReleaseQuarantinedRequest.Builder release =
        ProtoJson.merge(body, ReleaseQuarantinedRequest.newBuilder())
            .setApp(app)
            .setEnvironment(environment)
            .setVersion(version);
    return ProtoJson.ok(calls(request).releaseQuarantined(release.build()));
  }

  @Post("/targets/{app}/{environment}/rollback")
  @Operation(summary = "Roll the target back to its last good version, or to toVersion")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.ROLLBACK)))
  @ApiResponse(
      responseCode = "201",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> rollback(
      HttpRequest<?> request,
      @PathVariable String app,
      @PathVariable String environment,
      @Nullable @Header("Idempotency-Key") String idempotencyKey,
      @Nullable @Body String body) {
    RollbackTargetRequest.Builder rollback =
        ProtoJson.merge(body, RollbackTargetRequest.newBuilder())
            .setApp(app)
            .setEnvironment(environment);
    rollback.setIdempotencyKey(keyOf(idempotencyKey, rollback.getIdempotencyKey()));
    var started = calls(request).rollbackTarget(rollback.build());
    return ProtoJson.started(started);
  }

  @Post("/targets/{app}/{environment}/restore")
  @Operation(summary = "Put the target's data back as a backup set holds it")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.RESTORE)))
  @ApiResponse(
      responseCode = "201",
      content = @Content(schema = @Schema(ref = ApiSchemas.DEPLOYMENT)))
  public HttpResponse<String> restore(
      HttpRequest<?> request,
      @PathVariable String app,
      @PathVariable String environment,
      @Nullable @Header("Idempotency-Key") String idempotencyKey,
      @Nullable @Body String body) {
    RestoreBackupRequest.Builder restore =
        ProtoJson.merge(body, RestoreBackupRequest.newBuilder())
            .setApp(app)
            .setEnvironment(environment);
    restore.setIdempotencyKey(keyOf(idempotencyKey, restore.getIdempotencyKey()));
    var started = calls(request).restoreBackup(restore.build());
    return ProtoJson.started(started);
  }

  @Get("/freeze-windows")
  @Operation(summary = "Freeze windows, by environment and name")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.LIST_FREEZES)))
  public HttpResponse<String> freezes(
      HttpRequest<?> request, @Nullable @QueryValue String environment) {
    return ProtoJson.ok(
        calls(request)
            .listFreezeWindows(
                ListFreezeWindowsRequest.newBuilder()
                    .setEnvironment(ProtoJson.text(environment))
                    .build()));
  }

  @Put("/freeze-windows/{environment}/{name}")
  @Operation(summary = "Create or replace a freeze window of an environment")
  @RequestBody(content = @Content(schema = @Schema(ref = ApiSchemas.FREEZE)))
  @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(ref = ApiSchemas.FREEZE)))
  public HttpResponse<String> applyFreeze(
      HttpRequest<?> request,
      @PathVariable String environment,
      @PathVariable String name,
      @Nullable @Body String body) {
    FreezeWindow.Builder window = ProtoJson.merge(body, FreezeWindow.newBuilder());
    checkNamed("environment", window.getEnvironment(), environment);
    checkNamed("name", window.getName(), name);
    window.setEnvironment(environment).setName(name);
    return ProtoJson.ok(
        calls(request)
            .applyFreezeWindow(ApplyFreezeWindowRequest.newBuilder().setWindow(window).build()));
  }

  @Delete("/freeze-windows/{environment}/{name}")
  @Operation(summary = "Delete a freeze window")
  @ApiResponse(responseCode = "200", content = @Content(schema = @Schema(ref = ApiSchemas.FREEZE)))
  public HttpResponse<String> deleteFreeze(
      HttpRequest<?> request, @PathVariable String environment, @PathVariable String name) {
    return ProtoJson.ok(
        calls(request)
            .deleteFreezeWindow(
                DeleteFreezeWindowRequest.newBuilder()
                    .setEnvironment(environment)
                    .setName(name)
                    .build()));
  }
}
