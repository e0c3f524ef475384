package dev.slipway.orchestrator.rest;

import dev.slipway.proto.v1.BackupServiceGrpc;
import dev.slipway.proto.v1.BackupSetKind;
import dev.slipway.proto.v1.DeliveryStatus;
import dev.slipway.proto.v1.GetBackupSetRequest;
import dev.slipway.proto.v1.HealthServiceGrpc;
import dev.slipway.proto.v1.ListBackupSetsRequest;
import dev.slipway.proto.v1.ListCheckRoundsRequest;
import dev.slipway.proto.v1.ListDeliveriesRequest;
import dev.slipway.proto.v1.NotificationServiceGrpc;
import dev.slipway.proto.v1.Phase;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The workers' read models: health rounds, backup sets and notification deliveries, asked of each
 * service over its own gRPC API as the caller (no service reads another's tables).
 */
@Controller("/api/v1")
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "evidence")
public class ServicesApi {
  private final ApiChannel api;
  private final ApiAuth auth;

  public ServicesApi(ApiChannel api, ApiAuth auth) {
    this.api = api;
    this.auth = auth;
  }

  @Get("/deployments/{id}/check-rounds")
  @Operation(summary = "A deployment's health-check rounds: each check, what it saw and expected")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.CHECK_ROUNDS)))
  public HttpResponse<String> checkRounds(
      HttpRequest<?> request,
      @PathVariable String id,
      @Nullable @QueryValue String phase,
      @Nullable @QueryValue Integer pageSize,
      @Nullable @QueryValue String pageToken) {
    return ProtoJson.ok(
        api.unary(HealthServiceGrpc::newBlockingStub, auth.of(request))
            .listCheckRounds(
                ListCheckRoundsRequest.newBuilder()
                    .setDeploymentId(id)
                    .setPhase(
                        ProtoJson.enumValue(Phase.class, "phase", phase, Phase.PHASE_UNSPECIFIED))
                    .setPageSize(ProtoJson.orZero(pageSize))
                    .setPageToken(ProtoJson.text(pageToken))
                    .build()));
  }

  @Get("/backup-sets")
  @Operation(summary = "A target's backup sets, newest first")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.BACKUP_SETS)))
  public HttpResponse<String> backupSets(
      HttpRequest<?> request,
      @Nullable @QueryValue String app,
      @Nullable @QueryValue String environment,
      @Nullable @QueryValue String kind,
      @Nullable @QueryValue Integer pageSize,
      @Nullable @QueryValue String pageToken) {
    return ProtoJson.ok(
        api.unary(BackupServiceGrpc::newBlockingStub, auth.of(request))
            .listBackupSets(
                ListBackupSetsRequest.newBuilder()
                    .setApp(ProtoJson.text(app))
                    .setEnvironment(ProtoJson.text(environment))
                    .setKind(
                        ProtoJson.enumValue(
                            BackupSetKind.class,
                            "kind",
                            kind,
                            BackupSetKind.BACKUP_SET_KIND_UNSPECIFIED))
                    .setPageSize(ProtoJson.orZero(pageSize))
                    .setPageToken(ProtoJson.text(pageToken))
                    .build()));
  }

  @Get("/backup-sets/{id}")
  @Operation(summary = "A backup set with its artifacts, sizes and checksums")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.BACKUP_SET)))
  public HttpResponse<String> backupSet(HttpRequest<?> request, @PathVariable String id) {
    return ProtoJson.ok(
        api.unary(BackupServiceGrpc::newBlockingStub, auth.of(request))
            .getBackupSet(GetBackupSetRequest.newBuilder().setSetId(id).build()));
  }

  @Get("/deliveries")
  @Operation(
      summary = "Notification deliveries with their attempts",
      description = "A deployment's (deploymentId), or every deployment's with a status.")
  @ApiResponse(
      responseCode = "200",
      content = @Content(schema = @Schema(ref = ApiSchemas.DELIVERIES)))
  public HttpResponse<String> deliveries(
      HttpRequest<?> request,
      @Nullable @QueryValue String deploymentId,
      @Nullable @QueryValue String status,
      @Nullable @QueryValue Integer pageSize,
      @Nullable @QueryValue String pageToken) {
    return ProtoJson.ok(
        api.unary(NotificationServiceGrpc::newBlockingStub, auth.of(request))
            .listDeliveries(
                ListDeliveriesRequest.newBuilder()
                    .setDeploymentId(ProtoJson.text(deploymentId))
                    .setStatus(
                        ProtoJson.enumValue(
                            DeliveryStatus.class,
                            "status",
                            status,
                            DeliveryStatus.DELIVERY_STATUS_UNSPECIFIED))
                    .setPageSize(ProtoJson.orZero(pageSize))
                    .setPageToken(ProtoJson.text(pageToken))
                    .build()));
  }
}
