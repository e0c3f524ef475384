package dev.slipway.platform.grpc;

import dev.slipway.platform.auth.AccessInterceptor;
import dev.slipway.platform.auth.TokenAuthenticator;
import dev.slipway.platform.retry.Backoff;
import dev.slipway.platform.retry.InfrastructureFailure;
import dev.slipway.proto.internal.v1.AuthenticateRequest;
import dev.slipway.proto.internal.v1.GetBackupKeyRequest;
import dev.slipway.proto.internal.v1.GetChannelsRequest;
import dev.slipway.proto.internal.v1.GetRetentionRequest;
import dev.slipway.proto.internal.v1.GetStepContextRequest;
import dev.slipway.proto.internal.v1.ListWatchesRequest;
import dev.slipway.proto.internal.v1.ListWatchesResponse;
import dev.slipway.proto.internal.v1.Principal;
import dev.slipway.proto.internal.v1.ReportProgressRequest;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.ReportWatchVerdictRequest;
import dev.slipway.proto.internal.v1.ReportWatchVerdictResponse;
import dev.slipway.proto.internal.v1.ResolveSecretRequest;
import dev.slipway.proto.internal.v1.ResolvedChannel;
import dev.slipway.proto.internal.v1.RetentionContext;
import dev.slipway.proto.internal.v1.StepContext;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import dev.slipway.proto.internal.v1.WorkerServiceGrpc;
import dev.slipway.proto.v1.TargetRef;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's line to the orchestrator, authenticated with the worker's own service token (scope
 * {@code internal}): the narrow view of the deployment it works on, the secrets its spec names, the
 * backup key, and the report of its phase. Every call is idempotent, so a call whose answer was
 * lost is simply sent again until the orchestrator answers or the retry budget ends.
 */
public final class OrchestratorClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrchestratorClient.class);
  private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);
  private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

  private final ManagedChannel channel;
  private final StepReportServiceGrpc.StepReportServiceBlockingStub reports;
  private final WorkerServiceGrpc.WorkerServiceBlockingStub workers;

  public OrchestratorClient(String orchestratorAddress, String caFile, String serviceToken) {
    this.channel = Channels.open(orchestratorAddress, caFile);
    Metadata headers = new Metadata();
    headers.put(AccessInterceptor.AUTHORIZATION, "Bearer " + serviceToken);
    this.reports =
        StepReportServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    this.workers =
        WorkerServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  /** The deployment with its pinned target spec, without logs. */
  public StepContext stepContext(String deploymentId) throws InterruptedException {
    GetStepContextRequest request =
        GetStepContextRequest.newBuilder().setDeploymentId(deploymentId).build();
    return retrying(
        () -> workers.withDeadlineAfter(10, TimeUnit.SECONDS).getStepContext(request),
        "read deployment " + deploymentId);
  }

  /**
   * The deployment's current phase and attempt, asked once with a short deadline: empty when the
   * orchestrator does not answer now (the caller decides what not knowing means).
   */
  public Optional<StepContext> stepContextNow(String deploymentId) {
    try {
      return Optional.of(
          workers
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getStepContext(
                  GetStepContextRequest.newBuilder().setDeploymentId(deploymentId).build()));
    } catch (StatusRuntimeException e) {
      LOG.debug("orchestrator did not answer for {}: {}", deploymentId, e.getStatus());
      return Optional.empty();
    }
  }

  /** A secret the deployment's pinned spec names; never log it. */
  public byte[] secret(String deploymentId, String name) throws InterruptedException {
    ResolveSecretRequest request =
        ResolveSecretRequest.newBuilder().setDeploymentId(deploymentId).setName(name).build();
    return retrying(
            () -> workers.withDeadlineAfter(10, TimeUnit.SECONDS).resolveSecret(request),
            "resolve secret " + name + " of " + deploymentId)
        .getValue()
        .toByteArray();
  }

  /** A target's retention policy and the deployments whose backup sets must stay. */
  public RetentionContext retention(String app, String environment) throws InterruptedException {
    GetRetentionRequest request =
        GetRetentionRequest.newBuilder()
            .setTarget(
                dev.slipway.proto.v1.TargetRef.newBuilder().setApp(app).setEnvironment(environment))
            .build();
    return retrying(
        () -> workers.withDeadlineAfter(10, TimeUnit.SECONDS).getRetention(request),
        "read the retention of " + app + "/" + environment);
  }

  /**
   * Every applied notification channel with the secrets it names, asked once: the caller asks again
   * on its own schedule.
   */
  public List<ResolvedChannel> channels() {
    return workers
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .getChannels(GetChannelsRequest.getDefaultInstance())
        .getChannelsList();
  }

  /** A page of the targets to watch between releases (one target when {@code only} is set). */
  public ListWatchesResponse watches(Optional<TargetRef> only, String pageToken) {
    ListWatchesRequest.Builder request = ListWatchesRequest.newBuilder().setPageToken(pageToken);
    only.ifPresent(request::setTarget);
    return workers.withDeadlineAfter(10, TimeUnit.SECONDS).listWatches(request.build());
  }

  /** A watch's verdict of a target's running version, sent once: the watch sends it again. */
  public ReportWatchVerdictResponse reportWatch(ReportWatchVerdictRequest request) {
    return workers.withDeadlineAfter(10, TimeUnit.SECONDS).reportWatchVerdict(request);
  }

  /** The keyset that encrypts backups at rest. */
  public byte[] backupKeyset() throws InterruptedException {
    return retrying(
            () ->
                workers
                    .withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getBackupKey(GetBackupKeyRequest.getDefaultInstance()),
            "read the backup key")
        .getKeyset()
        .toByteArray();
  }

  /**
   * Who a user's bearer token (or the orchestrator's delegation) belongs to, asked once (a user is
   * waiting): throws {@link TokenAuthenticator.Refused} for a bearer that is not good, and
   * IllegalStateException when the orchestrator cannot tell now or refuses this worker.
   */
  public Principal authenticate(String bearerToken) {
    Principal principal;
    try {
      principal =
          authenticate(AuthenticateRequest.newBuilder().setBearerToken(bearerToken).build());
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      throw new IllegalStateException(
          code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED
              ? "the orchestrator refused this worker's own service token: "
                  + e.getStatus().getDescription()
              : "the orchestrator cannot check tokens now: " + e.getStatus().getCode(),
          e);
    }
    if (!principal.getRefused().isEmpty()) {
      throw new TokenAuthenticator.Refused(principal.getRefused());
    }
    return principal;
  }

  private Principal authenticate(AuthenticateRequest request) {
    try {
      return workers.withDeadlineAfter(5, TimeUnit.SECONDS).authenticate(request);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
        throw e;
      }
      // After an orchestrator restart the channel waits out its reconnect backoff (a second or
      // more) before it tries again: while a user waits, try again at once, and only once.
      channel.resetConnectBackoff();
      return workers
          .withWaitForReady()
          .withDeadlineAfter(2, TimeUnit.SECONDS)
          .authenticate(request);
    }
  }

  /** Sends the report; returns whether the orchestrator accepted it (false: stale or duplicate). */
  public boolean report(ReportStepRequest request) throws InterruptedException {
    return retrying(
            () -> reports.withDeadlineAfter(10, TimeUnit.SECONDS).reportStep(request),
            "report " + request.getPhase() + " of " + request.getDeploymentId())
        .getAccepted();
  }

  /** How far a running phase has come, told once: progress that is lost is told again later. */
  public boolean progress(ReportProgressRequest request) {
    return reports.withDeadlineAfter(3, TimeUnit.SECONDS).reportProgress(request).getAccepted();
  }

  private static <T> T retrying(Supplier<T> call, String what) throws InterruptedException {
    long giveUpAt = System.nanoTime() + GIVE_UP_AFTER.toNanos();
    for (int failures = 1; ; failures++) {
      try {
        return call.get();
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (!InfrastructureFailure.isTransient(code) || System.nanoTime() > giveUpAt) {
          throw e;
        }
        LOG.warn("orchestrator unreachable ({}), retrying: {}", code, what);
        Thread.sleep(BACKOFF.delay(failures));
      }
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdown().awaitTermination(5, TimeUnit.SECONDS);
  }
}
