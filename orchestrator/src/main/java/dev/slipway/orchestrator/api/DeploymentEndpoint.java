package dev.slipway.orchestrator.api;

import dev.slipway.orchestrator.deployments.DeploymentHistory;
import dev.slipway.orchestrator.deployments.Deployments;
import dev.slipway.orchestrator.deployments.StepLogs;
import dev.slipway.orchestrator.deployments.StoredDeployment;
import dev.slipway.orchestrator.domain.Input;
import dev.slipway.orchestrator.domain.Kind;
import dev.slipway.orchestrator.errors.InvalidInput;
import dev.slipway.orchestrator.errors.InvalidInput.Violation;
import dev.slipway.orchestrator.outbox.CommitSignal;
import dev.slipway.orchestrator.outbox.EventCodec;
import dev.slipway.orchestrator.outbox.EventLog;
import dev.slipway.orchestrator.quarantine.Quarantine;
import dev.slipway.orchestrator.targets.TargetDocuments;
import dev.slipway.orchestrator.targets.TargetValidator;
import dev.slipway.orchestrator.targets.Targets;
import dev.slipway.platform.auth.Scope;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.Caller;
import dev.slipway.platform.grpc.FieldError;
import dev.slipway.proto.v1.AbortDeploymentRequest;
import dev.slipway.proto.v1.ApplyFreezeWindowRequest;
import dev.slipway.proto.v1.ApplyTargetRequest;
import dev.slipway.proto.v1.ApproveDeploymentRequest;
import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.BackupSetKind;
import dev.slipway.proto.v1.CancelDeploymentRequest;
import dev.slipway.proto.v1.CreateDeploymentRequest;
import dev.slipway.proto.v1.DeleteFreezeWindowRequest;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.FreezeWindow;
import dev.slipway.proto.v1.GetDeploymentRequest;
import dev.slipway.proto.v1.GetLedgerRequest;
import dev.slipway.proto.v1.GetLedgerResponse;
import dev.slipway.proto.v1.GetStepLogsRequest;
import dev.slipway.proto.v1.GetTargetRequest;
import dev.slipway.proto.v1.ListDeploymentsRequest;
import dev.slipway.proto.v1.ListDeploymentsResponse;
import dev.slipway.proto.v1.ListFreezeWindowsRequest;
import dev.slipway.proto.v1.ListFreezeWindowsResponse;
import dev.slipway.proto.v1.ListQuarantinedRequest;
import dev.slipway.proto.v1.ListQuarantinedResponse;
import dev.slipway.proto.v1.ListTargetsRequest;
import dev.slipway.proto.v1.ListTargetsResponse;
import dev.slipway.proto.v1.PromoteDeploymentRequest;
import dev.slipway.proto.v1.QuarantinedVersion;
import dev.slipway.proto.v1.RejectDeploymentRequest;
import dev.slipway.proto.v1.ReleaseQuarantinedRequest;
import dev.slipway.proto.v1.RestoreBackupRequest;
import dev.slipway.proto.v1.RollbackTargetRequest;
import dev.slipway.proto.v1.StepLogLine;
import dev.slipway.proto.v1.StepLogPage;
import dev.slipway.proto.v1.Target;
import dev.slipway.proto.v1.TargetSpec;
import dev.slipway.proto.v1.WatchDeploymentRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * gRPC {@code slipway.v1.DeploymentService}: translates messages to calls, failures to statuses.
 */
@Singleton
public class DeploymentEndpoint extends DeploymentServiceGrpc.DeploymentServiceImplBase {
  private static final int MAX_KEY = 200;
  private static final int MAX_LOG_TAIL = 200;
  private static final int MAX_LOG_PAGE = 1_000;
  private static final int MAX_LOG_PAGE_BYTES = 1 << 20;
  private static final int MAX_WATCHERS = 2_000;
  private static final Duration WATCH_POLL = Duration.ofSeconds(5);
  private final Semaphore watchers = new Semaphore(MAX_WATCHERS);
  private final Deployments deployments;
  private final DeploymentHistory history;
  private final Targets targets;
  private final Transactions transactions;
  private final EventLog eventLog;
  private final CommitSignal signal;
  private final Supplier<UUID> ids;
  private final Quarantine quarantine;
  private final GateCalls gates;
  private final BackupSets backupSets;

  public DeploymentEndpoint(
      GateCalls gates,
      BackupSets backupSets,
      Deployments deployments,
      DeploymentHistory history,
      Targets targets,
      Transactions transactions,
      EventLog eventLog,
      CommitSignal signal,
      Quarantine quarantine,
      Supplier<UUID> ids) {
    this.gates = gates;
    this.backupSets = backupSets;
    this.quarantine = quarantine;
    this.ids = ids;
    this.deployments = deployments;
    this.history = history;
    this.targets = targets;
    this.transactions = transactions;
    this.eventLog = eventLog;
    this.signal = signal;
  }

  @Override
  public void createDeployment(
      CreateDeploymentRequest request, StreamObserver<Deployment> response) {
    GrpcErrors.respond(
        response,
        () -> {
          List<Violation> violations = new ArrayList<>();
          checkTargetVersion(
              violations, request.getApp(), request.getEnvironment(), request.getVersion());
          checkKey(violations, request.getIdempotencyKey());
          checkForce(
              violations, request.getForce(), request.getForceReason(), "the gate is overridden");
          if (request.getOverrideFreeze() && request.getOverrideFreezeReason().isBlank()) {
            violations.add(
                new Violation(
                    "override_freeze_reason",
                    "is required with override_freeze: say why the release cannot wait"));
          }
          checkReason(violations, "override_freeze_reason", request.getOverrideFreezeReason());
          throwIfAny(violations);
          if (request.getOverrideFreeze()
              && !Caller.current().allows(Scope.Kind.FREEZE_OVERRIDE, request.getEnvironment())) {
            throw io.grpc.Status.PERMISSION_DENIED
                .withDescription(
                    "overriding a freeze needs the scope freeze:override:"
                        + request.getEnvironment()
                        + " (or admin); token "
                        + Caller.current().name()
                        + " does not have it")
                .asRuntimeException();
          }
          StoredDeployment created =
              deployments.create(
                  new Deployments.Request(
                      request.getApp(),
                      request.getEnvironment(),
                      request.getVersion(),
                      Kind.DEPLOY,
                      key(request.getIdempotencyKey()),
                      Caller.current().name(),
                      request.getForce() ? request.getForceReason() : "",
                      request.getQueue(),
                      request.getOverrideFreeze() ? request.getOverrideFreezeReason() : "",
                      Optional.empty()));
          return detail(created.deployment().id());
        });
  }

  @Override
  public void getDeployment(GetDeploymentRequest request, StreamObserver<Deployment> response) {
    GrpcErrors.respond(
        response,
        () -> {
          if (request.getLogTail() < 0 || request.getLogTail() > MAX_LOG_TAIL) {
            throw new InvalidInput("log_tail", "must be between 0 and " + MAX_LOG_TAIL);
          }
          return detail(deploymentId(request.getDeploymentId()), request.getLogTail());
        });
  }

  @Override
  public void getStepLogs(GetStepLogsRequest request, StreamObserver<StepLogPage> response) {
    GrpcErrors.respond(
        response,
        () -> {
          UUID id = deploymentId(request.getDeploymentId());
          if (request.getPhase() == dev.slipway.proto.v1.Phase.PHASE_UNSPECIFIED
              || request.getPhase() == dev.slipway.proto.v1.Phase.UNRECOGNIZED) {
            throw new InvalidInput("phase", "is required");
          }
          if (request.getAttempt() < 1) {
            throw new InvalidInput("attempt", "must be 1 or more");
          }
          if (request.getStep() < 0) {
            throw new InvalidInput("step", "must not be negative");
          }
          if (request.getAfterLine() < 0) {
            throw new InvalidInput("after_line", "must not be negative");
          }
          if (request.getPageSize() < 0 || request.getPageSize() > MAX_LOG_PAGE) {
            throw new InvalidInput(
                "page_size", "must be between 0 and " + MAX_LOG_PAGE + " (0: 500)");
          }
          int size = request.getPageSize() == 0 ? 500 : request.getPageSize();
          history.get(id, 0);
          List<StepLogs.Line> lines =
              history.stepLogs(
                  id,
                  EventCodec.phase(request.getPhase()),
                  request.getStep(),
                  request.getAttempt(),
                  request.getAfterLine(),
                  size);
          // Bounded in bytes too, far below gRPC's 4 MiB: a line is up to 4,000 characters of any
          // UTF-8.
          StepLogPage.Builder page = StepLogPage.newBuilder();
          int bytes = 0;
          for (StepLogs.Line line : lines.subList(0, Math.min(size, lines.size()))) {
            StepLogLine out =
                StepLogLine.newBuilder().setLineNo(line.lineNo()).setText(line.text()).build();
            if (page.getLinesCount() > 0 && bytes + out.getSerializedSize() > MAX_LOG_PAGE_BYTES) {
              break;
            }
            page.addLines(out);
            bytes += out.getSerializedSize();
          }
          return page.setMore(lines.size() > page.getLinesCount()).build();
        });
  }

  @Override
  public void listDeployments(
      ListDeploymentsRequest request, StreamObserver<ListDeploymentsResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          DeploymentHistory.Page page =
              history.list(
                  new DeploymentHistory.Filter(
                      request.getApp(),
                      request.getEnvironment(),
                      statusFilter(request.getStatus()),
                      request.getRequestedBy(),
                      request.getVersion()),
                  request.getPageSize(),
                  request.getPageToken());
          ListDeploymentsResponse.Builder out =
              ListDeploymentsResponse.newBuilder().setNextPageToken(page.nextPageToken());
          page.deployments().forEach(d -> out.addDeployments(ProtoMapper.summary(d)));
          return out.build();
        });
  }

  @Override
  public void watchDeployment(
      WatchDeploymentRequest request, StreamObserver<DeploymentEvent> response) {
    UUID id;
    try {
      id = deploymentId(request.getDeploymentId());
      history.get(id, 0);
    } catch (RuntimeException e) {
      response.onError(GrpcErrors.toStatus(e));
      return;
    }
    if (!watchers.tryAcquire()) {
      response.onError(
          io.grpc.Status.RESOURCE_EXHAUSTED
              .withDescription(
                  "this orchestrator already serves "
                      + MAX_WATCHERS
                      + " watch streams; retry shortly")
              .asRuntimeException());
      return;
    }
    ServerCallStreamObserver<DeploymentEvent> stream =
        (ServerCallStreamObserver<DeploymentEvent>) response;
    Semaphore ready = new Semaphore(0);
    stream.setOnReadyHandler(ready::release);
    stream.setOnCancelHandler(ready::release);
    Thread.ofVirtual()
        .name("watch-" + id)
        .start(() -> stream(id, request.getAfterSequence(), stream, ready));
  }

  /** Sends as fast as the client reads, no faster: a slow reader holds one batch, not the log. */
  private void stream(
      UUID id,
      long afterSequence,
      ServerCallStreamObserver<DeploymentEvent> stream,
      Semaphore ready) {
    long after = afterSequence;
    try (CommitSignal.Subscription commits = signal.watch(id)) {
      while (!stream.isCancelled()) {
        long seen = commits.generation();
        long from = after;
        List<DeploymentEvent> events = transactions.read(c -> eventLog.after(c, id, from));
        for (DeploymentEvent event : events) {
          while (!stream.isReady() && !stream.isCancelled()) {
            ready.tryAcquire(1, TimeUnit.SECONDS);
          }
          if (stream.isCancelled()) {
            return;
          }
          stream.onNext(event);
          after = event.getSequence();
          if (event.hasFinished()) {
            stream.onCompleted();
            return;
          }
        }
        if (events.isEmpty()) {
          // Woken by this deployment's commits; the timeout only covers a lost notification.
          commits.awaitAfter(seen, WATCH_POLL);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!stream.isCancelled()) {
        stream.onError(GrpcErrors.toStatus(e));
      }
    } finally {
      watchers.release();
    }
  }

  @Override
  public void cancelDeployment(
      CancelDeploymentRequest request, StreamObserver<Deployment> response) {
    String reason =
        request.getReason().isBlank()
            ? "cancelled by " + Caller.current().name()
            : request.getReason() + " (cancelled by " + Caller.current().name() + ")";
    actOn(
        request.getDeploymentId(),
        response,
        id -> deployments.apply(id, new Input.Cancel(reason), false));
  }

  @Override
  public void rollbackTarget(RollbackTargetRequest request, StreamObserver<Deployment> response) {
    GrpcErrors.respond(
        response,
        () -> {
          List<Violation> violations = new ArrayList<>();
          checkName(violations, "app", request.getApp());
          checkName(violations, "environment", request.getEnvironment());
          checkVersion(violations, "to_version", request.getToVersion(), false);
          checkKey(violations, request.getIdempotencyKey());
          checkForce(
              violations, request.getForce(), request.getForceReason(), "the gate is overridden");
          throwIfAny(violations);
          StoredDeployment created =
              deployments.rollback(
                  request.getApp(),
                  request.getEnvironment(),
                  request.getToVersion(),
                  key(request.getIdempotencyKey()),
                  Caller.current().name(),
                  request.getForce() ? request.getForceReason() : "");
          return detail(created.deployment().id());
        });
  }

  @Override
  public void restoreBackup(RestoreBackupRequest request, StreamObserver<Deployment> response) {
    GrpcErrors.respond(
        response,
        () -> {
          List<Violation> violations = new ArrayList<>();
          checkName(violations, "app", request.getApp());
          checkName(violations, "environment", request.getEnvironment());
          checkKey(violations, request.getIdempotencyKey());
          checkForce(
              violations, request.getForce(), request.getForceReason(), "the data may not match");
          throwIfAny(violations);
          UUID set = FieldError.uuid("set_id", request.getSetId());
          String key = key(request.getIdempotencyKey());
          String dataVersion = "";
          if (deployments.started(key).isEmpty()) {
            // Asked before any transaction: it is a call to another service. A retried request
            // gets its deployment back even when the set has gone since.
            BackupSet checked =
                backupSets.restorable(
                    request.getApp(),
                    request.getEnvironment(),
                    set,
                    () -> targets.get(request.getApp(), request.getEnvironment()).spec());
            dataVersion =
                deployments.dataVersion(
                    UUID.fromString(checked.getDeploymentId()),
                    checked.getKind() == BackupSetKind.BACKUP_SET_KIND_SNAPSHOT);
          }
          StoredDeployment created =
              deployments.restore(
                  request.getApp(),
                  request.getEnvironment(),
                  set,
                  dataVersion,
                  key,
                  Caller.current().name(),
                  request.getForce() ? request.getForceReason() : "");
          return detail(created.deployment().id());
        });
  }

  @Override
  public void applyTarget(ApplyTargetRequest request, StreamObserver<Target> response) {
    GrpcErrors.respond(
        response,
        () -> {
          TargetSpec spec =
              switch (request.getSourceCase()) {
                case SPEC -> request.getSpec();
                case DOCUMENT -> TargetDocuments.parse(request.getDocument());
                case SOURCE_NOT_SET ->
                    throw new InvalidInput("source", "give the target as spec or document");
              };
          return ProtoMapper.target(targets.apply(spec));
        });
  }

  @Override
  public void getTarget(GetTargetRequest request, StreamObserver<Target> response) {
    GrpcErrors.respond(
        response,
        () -> ProtoMapper.target(targets.get(request.getApp(), request.getEnvironment())));
  }

  @Override
  public void listQuarantined(
      ListQuarantinedRequest request, StreamObserver<ListQuarantinedResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          ListQuarantinedResponse.Builder out = ListQuarantinedResponse.newBuilder();
          quarantine
              .list(request.getApp(), request.getEnvironment(), request.getIncludeReleased())
              .forEach(row -> out.addVersions(ProtoMapper.quarantined(row)));
          return out.build();
        });
  }

  @Override
  public void releaseQuarantined(
      ReleaseQuarantinedRequest request, StreamObserver<QuarantinedVersion> response) {
    GrpcErrors.respond(
        response,
        () -> {
          List<Violation> violations = new ArrayList<>();
          checkTargetVersion(
              violations, request.getApp(), request.getEnvironment(), request.getVersion());
          checkReason(violations, "reason", request.getReason());
          throwIfAny(violations);
          return ProtoMapper.quarantined(
              quarantine.release(
                  request.getApp(),
                  request.getEnvironment(),
                  request.getVersion(),
                  Caller.current().name(),
                  request.getReason()));
        });
  }

  @Override
  public void listTargets(
      ListTargetsRequest request, StreamObserver<ListTargetsResponse> response) {
    GrpcErrors.respond(
        response,
        () -> {
          Targets.Page page = targets.list(request.getPageSize(), request.getPageToken());
          ListTargetsResponse.Builder out =
              ListTargetsResponse.newBuilder().setNextPageToken(page.nextPageToken());
          page.targets().forEach(t -> out.addTargets(ProtoMapper.target(t)));
          return out.build();
        });
  }

  @Override
  public void approveDeployment(
      ApproveDeploymentRequest request, StreamObserver<Deployment> response) {
    actOn(request.getDeploymentId(), response, id -> gates.approve(id, request.getComment()));
  }

  @Override
  public void rejectDeployment(
      RejectDeploymentRequest request, StreamObserver<Deployment> response) {
    actOn(request.getDeploymentId(), response, id -> gates.reject(id, request.getReason()));
  }

  @Override
  public void promoteDeployment(
      PromoteDeploymentRequest request, StreamObserver<Deployment> response) {
    actOn(request.getDeploymentId(), response, gates::promote);
  }

  @Override
  public void abortDeployment(AbortDeploymentRequest request, StreamObserver<Deployment> response) {
    actOn(request.getDeploymentId(), response, id -> gates.abort(id, request.getReason()));
  }

  @Override
  public void getLedger(GetLedgerRequest request, StreamObserver<GetLedgerResponse> response) {
    GrpcErrors.respond(response, () -> gates.ledger(request));
  }

  @Override
  public void applyFreezeWindow(
      ApplyFreezeWindowRequest request, StreamObserver<FreezeWindow> response) {
    GrpcErrors.respond(response, () -> gates.applyFreeze(request));
  }

  @Override
  public void listFreezeWindows(
      ListFreezeWindowsRequest request, StreamObserver<ListFreezeWindowsResponse> response) {
    GrpcErrors.respond(response, () -> gates.listFreezes(request.getEnvironment()));
  }

  @Override
  public void deleteFreezeWindow(
      DeleteFreezeWindowRequest request, StreamObserver<FreezeWindow> response) {
    GrpcErrors.respond(
        response, () -> gates.deleteFreeze(request.getEnvironment(), request.getName()));
  }

  /** Does something to one deployment and answers with the deployment as it stands after. */
  private void actOn(String deploymentId, StreamObserver<Deployment> response, Consumer<UUID> act) {
    GrpcErrors.respond(
        response,
        () -> {
          UUID id = deploymentId(deploymentId);
          act.accept(id);
          return detail(id);
        });
  }

  private Deployment detail(UUID id) {
    return detail(id, 0);
  }

  private Deployment detail(UUID id, int logTail) {
    DeploymentHistory.Detail detail = history.get(id, logTail);
    return ProtoMapper.deployment(detail);
  }

  private static UUID deploymentId(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw new InvalidInput("deployment_id", "'" + text + "' is not a deployment id (a UUID)");
    }
  }

  private static void checkName(List<Violation> violations, String field, String value) {
    if (!TargetValidator.NAME.matcher(value).matches()) {
      violations.add(
          new Violation(
              field,
              value.isEmpty()
                  ? "is required"
                  : "'" + printable(value) + "' must be lowercase letters, digits and '-'"));
    }
  }

  private static void checkVersion(
      List<Violation> violations, String field, String value, boolean required) {
    if (value.isEmpty() && !required) {
      return;
    }
    if (!TargetValidator.VERSION.matcher(value).matches()) {
      violations.add(
          new Violation(
              field,
              value.isEmpty()
                  ? "is required"
                  : "'"
                      + printable(value)
                      + "' must be letters, digits and . _ + - (at most 128), starting with a letter or digit"));
    }
  }

  /** A refused value as it may be echoed back: short, without control characters. */
  private static void checkTargetVersion(
      List<Violation> violations, String app, String environment, String version) {
    checkName(violations, "app", app);
    checkName(violations, "environment", environment);
    checkVersion(violations, "version", version, true);
  }

  /** A reason kept on a record and shown to people: bounded. */
  /** A forced request says why ({@code why} tells what it must say), in a bounded reason. */
  private static void checkForce(
      List<Violation> violations, boolean force, String reason, String why) {
    if (force && reason.isBlank()) {
      violations.add(new Violation("force_reason", "is required with force: say why " + why));
    }
    checkReason(violations, "force_reason", reason);
  }

  private static void checkReason(List<Violation> violations, String field, String reason) {
    if (reason.length() > 2_000) {
      violations.add(new Violation(field, "must be at most 2000 characters"));
    }
  }

  private static String printable(String value) {
    String cut = value.length() > 80 ? value.substring(0, 80) + "…" : value;
    return cut.replaceAll("\\p{Cntrl}", "?");
  }

  private static void checkKey(List<Violation> violations, String key) {
    if (key.length() > MAX_KEY) {
      violations.add(
          new Violation("idempotency_key", "must be at most " + MAX_KEY + " characters"));
    }
  }

  /** Without a key every request is new. */
  private String key(String key) {
    return key.isBlank() ? "generated:" + ids.get() : key;
  }

  /** The stored status a filter names; empty for any. */
  private static String statusFilter(dev.slipway.proto.v1.DeploymentStatus status) {
    if (status == dev.slipway.proto.v1.DeploymentStatus.DEPLOYMENT_STATUS_UNSPECIFIED) {
      return "";
    }
    if (status == dev.slipway.proto.v1.DeploymentStatus.UNRECOGNIZED) {
      throw new InvalidInput(List.of(new Violation("status", "is not a deployment status")));
    }
    return status.name().substring("DEPLOYMENT_STATUS_".length());
  }

  private static void throwIfAny(List<Violation> violations) {
    if (!violations.isEmpty()) {
      throw new InvalidInput(violations);
    }
  }
}
