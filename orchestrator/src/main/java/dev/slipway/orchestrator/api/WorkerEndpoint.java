package dev.slipway.orchestrator.api;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.streamingaead.PredefinedStreamingAeadParameters;
import com.google.crypto.tink.streamingaead.StreamingAeadConfig;
import com.google.protobuf.ByteString;
import dev.slipway.orchestrator.access.Tokens;
import dev.slipway.orchestrator.channels.Channels;
import dev.slipway.orchestrator.deployments.DeploymentRepository;
import dev.slipway.orchestrator.deployments.StoredDeployment;
import dev.slipway.orchestrator.domain.Deployment;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.NotFound;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.orchestrator.quarantine.Quarantine;
import dev.slipway.orchestrator.quarantine.QuarantinedVersionRow;
import dev.slipway.orchestrator.secrets.SecretStore;
import dev.slipway.orchestrator.targets.SpecSecrets;
import dev.slipway.orchestrator.targets.Targets;
import dev.slipway.platform.auth.DeploymentEnvironments;
import dev.slipway.platform.auth.Scope;
import dev.slipway.platform.auth.TokenAuthenticator;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.internal.v1.AuthenticateRequest;
import dev.slipway.proto.internal.v1.BackupKey;
import dev.slipway.proto.internal.v1.GetBackupKeyRequest;
import dev.slipway.proto.internal.v1.GetChannelsRequest;
import dev.slipway.proto.internal.v1.GetChannelsResponse;
import dev.slipway.proto.internal.v1.GetRetentionRequest;
import dev.slipway.proto.internal.v1.GetStepContextRequest;
import dev.slipway.proto.internal.v1.ListWatchesRequest;
import dev.slipway.proto.internal.v1.ListWatchesResponse;
import dev.slipway.proto.internal.v1.Principal;
import dev.slipway.proto.internal.v1.ReportWatchVerdictRequest;
import dev.slipway.proto.internal.v1.ReportWatchVerdictResponse;
import dev.slipway.proto.internal.v1.ResolveSecretRequest;
import dev.slipway.proto.internal.v1.ResolveSecretResponse;
import dev.slipway.proto.internal.v1.RetentionContext;
import dev.slipway.proto.internal.v1.RetentionHold;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.internal.v1.WorkerServiceGrpc;
import dev.slipway.proto.v1.BackupSpec;
import dev.slipway.proto.v1.TargetRef;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.UUID;

/**
 * gRPC {@code slipway.internal.v1.WorkerService}: the narrow views workers need. A secret is given
 * out only when the deployment's pinned spec references it.
 */
@Singleton
public class WorkerEndpoint extends WorkerServiceGrpc.WorkerServiceImplBase
    implements DeploymentEnvironments {
  private static final String BACKUP_KEY = "slipway:backup-key";
  private final Transactions transactions;
  private final DeploymentRepository repository;
  private final SecretStore secrets;
  private final Tokens tokens;
  private final Targets targets;
  private final Quarantine quarantine;
  private final Channels channels;
  private final WatchCalls watches;

  public WorkerEndpoint(
      Transactions transactions,
      DeploymentRepository repository,
      SecretStore secrets,
      Tokens tokens,
      Targets targets,
      Quarantine quarantine,
      Channels channels,
      WatchCalls watches)
      throws GeneralSecurityException {
    this.watches = watches;
    this.channels = channels;
    this.transactions = transactions;
    this.repository = repository;
    this.secrets = secrets;
    this.tokens = tokens;
    this.targets = targets;
    this.quarantine = quarantine;
    StreamingAeadConfig.register();
  }

  @Override
  public void getStepContext(GetStepContextRequest request, StreamObserver<StepContext> response) {
    GrpcErrors.respond(
        response,
        () -> {
          StoredDeployment stored = find(request.getDeploymentId());
          Deployment d = stored.deployment();
          StepContext.Builder context = StepContext.newBuilder();
          d.status()
              .phase()
              .ifPresent(
                  phase ->
                      context
                          .setCurrentPhase(EventCodec.phase(phase))
                          .setCurrentAttempt(d.attempt())
                          .setCurrentStep(d.stepOf(phase))
                          .setSlot(d.slotFor(phase))
                          .addAllInstances(d.instancesFor(phase, d.stepOf(phase))));
          stored.restoreSet().ifPresent(set -> context.setRestoreSetId(set.toString()));
          return context
              .setDeploymentId(d.id().toString())
              .setTarget(TargetRef.newBuilder().setApp(d.app()).setEnvironment(d.environment()))
              .setKind(EventCodec.kind(d.kind()))
              .setVersion(d.version())
              .setPreviousVersion(d.previousVersion())
              .setRequestedBy(d.requestedBy())
              .setSpec(stored.spec())
              .build();
        });
  }

  @Override
  public void resolveSecret(
      ResolveSecretRequest request, StreamObserver<ResolveSecretResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          StoredDeployment stored = find(request.getDeploymentId());
          if (!SpecSecrets.referencedBy(stored.spec()).contains(request.getName())) {
            throw Status.PERMISSION_DENIED
                .withDescription(
                    "the spec of deployment "
                        + stored.deployment().id()
                        + " does not reference the secret '"
                        + request.getName().replaceAll("\\p{Cntrl}", "?")
                        + "'")
                .asRuntimeException();
          }
          return ResolveSecretResponse.newBuilder()
              .setValue(ByteString.copyFrom(secrets.reveal(request.getName())))
              .build();
        });
  }

  @Override
  public void getBackupKey(GetBackupKeyRequest request, StreamObserver<BackupKey> response) {
    GrpcErrors.respond(
        response,
        () ->
            BackupKey.newBuilder()
                .setKeyset(
                    ByteString.copyFrom(
                        secrets.ownKey(BACKUP_KEY, WorkerEndpoint::newBackupKeyset)))
                .build());
  }

  @Override
  public void authenticate(AuthenticateRequest request, StreamObserver<Principal> response) {
    GrpcErrors.respond(
        response,
        () -> {
          Caller caller;
          try {
            String bearer = request.getBearerToken();
            caller =
                Tokens.isDelegation(bearer)
                    ? tokens.delegated(bearer)
                    : tokens.authenticate(bearer);
          } catch (TokenAuthenticator.Refused e) {
            // The user's token is refused, not the worker's own: an answer, not a failed call.
            return Principal.newBuilder().setRefused(e.getMessage()).build();
          }
          return Principal.newBuilder()
              .setName(caller.name())
              .addAllScopes(caller.scopes().stream().map(Scope::toString).toList())
              .build();
        });
  }

  @Override
  public void getChannels(
      GetChannelsRequest request, StreamObserver<GetChannelsResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          // Workers' tokens are named after their service; channels' credentials are the
          // notifier's alone.
          String caller = Caller.current().name();
          if (!caller.equals("notifier-service") && !caller.startsWith("notifier-service-")) {
            throw Status.PERMISSION_DENIED
                .withDescription(
                    "token '"
                        + caller
                        + "' cannot read the channels: only the notifier-service does (its"
                        + " token is named notifier-service or notifier-service-…)")
                .asRuntimeException();
          }
          return GetChannelsResponse.newBuilder().addAllChannels(channels.resolved()).build();
        });
  }

  @Override
  public void getRetention(GetRetentionRequest request, StreamObserver<RetentionContext> response) {
    GrpcErrors.respond(
        response,
        () -> {
          String app = request.getTarget().getApp();
          String environment = request.getTarget().getEnvironment();
          BackupSpec backup = targets.get(app, environment).spec().getBackup();
          RetentionContext.Builder context =
              RetentionContext.newBuilder().setKeep(backup.getKeep());
          if (backup.hasRetention()) {
            context.setRetention(backup.getRetention());
          }
          transactions
              .read(c -> repository.findActive(app, environment))
              .ifPresent(
                  active -> {
                    context.addHolds(
                        RetentionHold.newBuilder()
                            .setDeploymentId(active.deployment().id().toString())
                            .setReason(
                                "deployment of "
                                    + active.deployment().version()
                                    + " is "
                                    + active.deployment().status()));
                    active
                        .restoreSet()
                        .ifPresent(
                            set ->
                                context.addHolds(
                                    RetentionHold.newBuilder()
                                        .setSetId(set.toString())
                                        .setReason(
                                            "restore "
                                                + active.deployment().id()
                                                + " restores it and is "
                                                + active.deployment().status())));
                  });
          for (QuarantinedVersionRow row : quarantine.list(app, environment, false)) {
            context.addHolds(
                RetentionHold.newBuilder()
                    .setDeploymentId(row.deploymentId().toString())
                    .setReason(
                        "its release of "
                            + row.key().version()
                            + " rolled back and "
                            + row.key().version()
                            + " is quarantined"));
          }
          return context.build();
        });
  }

  @Override
  public void listWatches(
      ListWatchesRequest request, StreamObserver<ListWatchesResponse> response) {
    GrpcErrors.respond(response, () -> watches.list(request));
  }

  @Override
  public void reportWatchVerdict(
      ReportWatchVerdictRequest request, StreamObserver<ReportWatchVerdictResponse> response) {
    GrpcErrors.respond(response, () -> watches.report(request));
  }

  @Override
  public Optional<String> environmentOf(String deploymentId) {
    try {
      UUID id = UUID.fromString(deploymentId);
      return transactions
          .read(c -> repository.find(id))
          .map(stored -> stored.deployment().environment());
    } catch (IllegalArgumentException notAnId) {
      return Optional.empty();
    }
  }

  private StoredDeployment find(String deploymentId) {
    UUID id;
    try {
      id = UUID.fromString(deploymentId);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("deployment_id", "is not a UUID");
    }
    return transactions
        .read(c -> repository.find(id))
        .orElseThrow(() -> new NotFound("no deployment " + id));
  }

  private static byte[] newBackupKeyset() {
    try {
      return TinkProtoKeysetFormat.serializeKeyset(
          KeysetHandle.generateNew(PredefinedStreamingAeadParameters.AES256_GCM_HKDF_1MB),
          InsecureSecretKeyAccess.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the backup keyset: " + e.getMessage(), e);
    }
  }
}
