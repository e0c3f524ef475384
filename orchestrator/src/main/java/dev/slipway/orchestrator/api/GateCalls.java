package dev.slipway.orchestrator.api;

import com.google.protobuf.Timestamp;
import dev.slipway.orchestrator.deployments.Deployments;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.gates.FreezeWindowRow;
import dev.slipway.orchestrator.gates.Freezes;
import dev.slipway.orchestrator.ledger.Ledger;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.orchestrator.targets.TargetDocuments;
import dev.slipway.orchestrator.watch.Watches;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.proto.v1.ApplyFreezeWindowRequest;
import dev.slipway.proto.v1.FreezeWindow;
import dev.slipway.proto.v1.GetLedgerRequest;
import dev.slipway.proto.v1.GetLedgerResponse;
import dev.slipway.proto.v1.LedgerEntry;
import dev.slipway.proto.v1.ListFreezeWindowsResponse;
import dev.slipway.proto.v1.PhaseEvidence;
import dev.slipway.proto.v1.WatchedHealth;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/** The gates' and the ledger's calls of DeploymentService, behind {@link DeploymentEndpoint}. */
@Singleton
class GateCalls {
  private final Deployments deployments;
  private final Freezes freezes;
  private final Ledger ledger;
  private final Clock clock;

  GateCalls(Deployments deployments, Freezes freezes, Ledger ledger, Clock clock) {
    this.deployments = deployments;
    this.freezes = freezes;
    this.ledger = ledger;
    this.clock = clock;
  }

  void approve(UUID id, String comment) {
    bounded("comment", comment);
    deployments.apply(id, new Input.Approve(Caller.current().name(), comment), false);
  }

  void reject(UUID id, String reason) {
    if (reason.isBlank()) {
      throw new InvalidInput("reason", "is required: say why the release is rejected");
    }
    bounded("reason", reason);
    deployments.apply(id, new Input.Reject(Caller.current().name(), reason), false);
  }

  void promote(UUID id) {
    deployments.apply(id, new Input.Promote(Caller.current().name()), false);
  }

  void abort(UUID id, String reason) {
    if (reason.isBlank()) {
      throw new InvalidInput("reason", "is required: say why the release is aborted");
    }
    bounded("reason", reason);
    deployments.apply(id, new Input.Abort(Caller.current().name(), reason), false);
  }

  GetLedgerResponse ledger(GetLedgerRequest request) {
    if (request.getApp().isEmpty() || request.getEnvironment().isEmpty()) {
      throw new InvalidInput(
          request.getApp().isEmpty() ? "app" : "environment",
          "is required: a ledger is a target's");
    }
    Ledger.Page page =
        ledger.page(
            request.getApp(),
            request.getEnvironment(),
            request.getPageSize(),
            request.getPageToken());
    GetLedgerResponse.Builder out =
        GetLedgerResponse.newBuilder().setNextPageToken(page.nextPageToken());
    for (Ledger.Entry entry : page.entries()) {
      var row = entry.row();
      LedgerEntry.Builder e =
          LedgerEntry.newBuilder()
              .setVersion(row.version())
              .setSince(EventCodec.timestamp(row.since()))
              .setDeploymentId(row.deploymentId().toString())
              .setArrived(row.arrived())
              .setDeployedBy(row.deployedBy())
              .addAllApprovedBy(entry.approvedBy())
              .setLeft(row.leftHow())
              .setLeftReason(row.leftReason())
              .setSlot(row.slot());
      if (row.until() != null) {
        e.setUntil(EventCodec.timestamp(row.until()));
      }
      if (row.leftDeploymentId() != null) {
        e.setLeftDeploymentId(row.leftDeploymentId().toString());
      }
      // A closed entry shows the watch's verdict only when the watch changed it while it ran.
      if (row.watched() && (row.until() == null || !row.healthSince().equals(row.since()))) {
        e.setHealth(
            WatchedHealth.newBuilder()
                .setVerdict(Watches.verdict(row.health()))
                .setSince(EventCodec.timestamp(row.healthSince()))
                .setSummary(row.healthSummary()));
      }
      entry
          .leftEvidence()
          .forEach(
              ev ->
                  e.addLeftEvidence(
                      PhaseEvidence.newBuilder()
                          .setName(ev.name())
                          .setPassed(ev.passed())
                          .setDetail(ev.detail())));
      out.addEntries(e);
    }
    return out.build();
  }

  FreezeWindow applyFreeze(ApplyFreezeWindowRequest request) {
    FreezeWindow given =
        switch (request.getSourceCase()) {
          case WINDOW -> request.getWindow();
          case DOCUMENT -> {
            FreezeWindow.Builder parsed = FreezeWindow.newBuilder();
            TargetDocuments.merge(
                request.getDocument(),
                parsed,
                "freeze window",
                "environment, name, reason, cron, duration, zone (or startsAt, endsAt)",
                tree -> {});
            yield parsed.build();
          }
          case SOURCE_NOT_SET -> throw new InvalidInput("source", "give the window or a document");
        };
    Instant now = clock.instant();
    FreezeWindowRow row =
        freezes.apply(
            new Freezes.Definition(
                given.getEnvironment(),
                given.getName(),
                given.getReason(),
                given.getCron(),
                given.getDuration(),
                given.getZone(),
                given.hasStartsAt() ? instant(given.getStartsAt()) : null,
                given.hasEndsAt() ? instant(given.getEndsAt()) : null),
            Caller.current().name(),
            now);
    return window(row, now);
  }

  ListFreezeWindowsResponse listFreezes(String environment) {
    Instant now = clock.instant();
    ListFreezeWindowsResponse.Builder out = ListFreezeWindowsResponse.newBuilder();
    freezes.list(environment).forEach(row -> out.addWindows(window(row, now)));
    return out.build();
  }

  FreezeWindow deleteFreeze(String environment, String name) {
    return window(freezes.delete(environment, name), clock.instant());
  }

  private FreezeWindow window(FreezeWindowRow row, Instant now) {
    FreezeWindow.Builder out =
        FreezeWindow.newBuilder()
            .setEnvironment(row.key().environment())
            .setName(row.key().name())
            .setReason(row.reason())
            .setUpdatedBy(row.updatedBy())
            .setUpdatedAt(EventCodec.timestamp(row.updatedAt()));
    if (row.cron() != null) {
      out.setCron(row.cron()).setDuration(row.durationSeconds() + "s").setZone(row.zone());
    } else {
      out.setStartsAt(EventCodec.timestamp(row.startsAt()))
          .setEndsAt(EventCodec.timestamp(row.endsAt()));
    }
    row.window()
        .endOfOccurrenceAt(now)
        .ifPresent(end -> out.setInForceUntil(EventCodec.timestamp(end)));
    return out.build();
  }

  private static Instant instant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }

  private static void bounded(String field, String text) {
    if (text.length() > 2_000) {
      throw new InvalidInput(field, "must be at most 2000 characters");
    }
  }
}
