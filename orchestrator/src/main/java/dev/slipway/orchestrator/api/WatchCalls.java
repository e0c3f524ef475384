package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.watch.WatchRepository;
import dev.slipway.orchestrator.watch.Watches;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.internal.v1.ListWatchesRequest;
import dev.slipway.proto.internal.v1.ListWatchesResponse;
import dev.slipway.proto.internal.v1.ReportWatchVerdictRequest;
import dev.slipway.proto.internal.v1.ReportWatchVerdictResponse;
import dev.slipway.proto.internal.v1.Watch;
import dev.slipway.proto.v1.TargetRef;
import io.grpc.Status;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.UUID;

/** The standing watch's calls of WorkerService, behind {@link WorkerEndpoint}: health-service's. */
@Singleton
class WatchCalls {
  private final Watches watches;

  WatchCalls(Watches watches) {
    this.watches = watches;
  }

  ListWatchesResponse list(ListWatchesRequest request) {
    onlyTheHealthService();
    TargetRef target = request.getTarget();
    if (!target.getApp().isEmpty() || !target.getEnvironment().isEmpty()) {
      List<Watch> one =
          watches.one(target.getApp(), target.getEnvironment()).stream()
              .map(WatchCalls::watch)
              .toList();
      return ListWatchesResponse.newBuilder().addAllWatches(one).build();
    }
    Watches.Page page = watches.page(request.getPageSize(), request.getPageToken());
    return ListWatchesResponse.newBuilder()
        .addAllWatches(page.watches().stream().map(WatchCalls::watch).toList())
        .setNextPageToken(page.nextPageToken())
        .build();
  }

  ReportWatchVerdictResponse report(ReportWatchVerdictRequest request) {
    onlyTheHealthService();
    UUID deploymentId;
    try {
      deploymentId = UUID.fromString(request.getDeploymentId());
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("deployment_id", "is not a UUID");
    }
    Watches.Report report =
        watches.report(
            request.getTarget().getApp(),
            request.getTarget().getEnvironment(),
            deploymentId,
            request.getEntryId(),
            request.getVerdict(),
            request.getSummary());
    return ReportWatchVerdictResponse.newBuilder()
        .setAccepted(report.accepted())
        .setChanged(report.changed())
        .build();
  }

  private static Watch watch(WatchRepository.Watched w) {
    return Watch.newBuilder()
        .setTarget(TargetRef.newBuilder().setApp(w.app()).setEnvironment(w.environment()))
        .setVersion(w.version())
        .setDeploymentId(w.deploymentId().toString())
        .setPaused(w.paused())
        .setVerdict(Watches.verdict(w.health()))
        .setSlot(w.slot())
        .setEntryId(w.id())
        .build();
  }

  /** Workers' tokens are named after their service; only the health-service watches. */
  private static void onlyTheHealthService() {
    String caller = Caller.current().name();
    if (!caller.equals("health-service") && !caller.startsWith("health-service-")) {
      throw Status.PERMISSION_DENIED
          .withDescription(
              "token '"
                  + caller
                  + "' cannot run the standing watch: only the health-service does (its token is"
                  + " named health-service or health-service-…)")
          .asRuntimeException();
    }
  }
}
