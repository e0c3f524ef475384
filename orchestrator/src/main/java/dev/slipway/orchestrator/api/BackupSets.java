package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.access.Tokens;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.errors.Refused;
import dev.slipway.platform.auth.AccessInterceptor;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.v1.BackupArtifact;
import dev.slipway.proto.v1.BackupItem;
import dev.slipway.proto.v1.BackupServiceGrpc;
import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.BackupSetStatus;
import dev.slipway.proto.v1.GetBackupSetRequest;
import dev.slipway.proto.v1.TargetSpec;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the orchestrator asks the backup-service about a set before it restores one: asked over the
 * service's API as the caller, since no service reads another's tables.
 */
@Singleton
class BackupSets {
  private static final long DEADLINE_SECONDS = 10;
  private final BackupServiceGrpc.BackupServiceBlockingStub backups;
  private final String label;
  private final Tokens tokens;

  BackupSets(
      @Value("${slipway.services.backup-address}") String address,
      @Value("${slipway.tls.ca-file:}") String caFile,
      WorkerGateway.GatewayChannels channels,
      Tokens tokens) {
    this.backups = BackupServiceGrpc.newBlockingStub(channels.open(address, caFile));
    this.label = "backup-service at " + address;
    this.tokens = tokens;
  }

  /**
   * The set, once it is known to be a complete set of {@code app}/{@code environment} holding an
   * item of the same type at each place of {@code spec}'s backup items (the backup-service checks
   * the items' sources again when it restores).
   */
  BackupSet restorable(String app, String environment, UUID id, Supplier<TargetSpec> spec) {
    BackupSet set = get(id);
    String owner = set.getTarget().getApp() + "/" + set.getTarget().getEnvironment();
    if (!owner.equals(app + "/" + environment)) {
      throw new Refused(
          "backup set " + id + " belongs to " + owner + ", not " + app + "/" + environment);
    }
    if (set.getStatus() != BackupSetStatus.BACKUP_SET_STATUS_COMPLETE) {
      throw new Refused(
          "backup set "
              + id
              + " is "
              + set.getStatus().name().replace("BACKUP_SET_STATUS_", "")
              + ", not COMPLETE"
              + (set.getSummary().isEmpty() ? "" : " (" + set.getSummary() + ")")
              + "; only a complete set can be restored");
    }
    List<BackupItem> items = spec.get().getBackup().getItemsList();
    for (BackupArtifact artifact : set.getArtifactsList()) {
      int place = artifact.getItemIndex();
      if (place >= items.size() || !items.get(place).getType().equals(artifact.getType())) {
        throw new Refused(
            "backup set "
                + id
                + " holds "
                + artifact.getSource()
                + " as backup item "
                + place
                + ", and the target's backup item "
                + place
                + (place >= items.size()
                    ? " does not exist"
                    : " is of type " + items.get(place).getType())
                + " now: the spec changed since the set was taken");
      }
    }
    return set;
  }

  private BackupSet get(UUID id) {
    Metadata caller = new Metadata();
    caller.put(AccessInterceptor.AUTHORIZATION, "Bearer " + tokens.delegate(Caller.current()));
    try {
      return backups
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(caller))
          .getBackupSet(GetBackupSetRequest.newBuilder().setSetId(id.toString()).build());
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      if (status.getCode() == Status.Code.NOT_FOUND) {
        throw new NotFound(status.getDescription());
      }
      if (status.getCode() == Status.Code.UNAVAILABLE
          || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
        throw Status.UNAVAILABLE
            .withDescription(
                label + " is unavailable, so the set cannot be checked: " + status.getDescription())
            .withCause(e)
            .asRuntimeException();
      }
      throw e;
    }
  }
}
