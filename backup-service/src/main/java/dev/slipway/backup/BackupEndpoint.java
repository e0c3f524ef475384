package dev.slipway.backup;

import dev.slipway.backup.domain.SetStatus;
import dev.slipway.backup.store.BackupRepository;
import dev.slipway.backup.store.BackupRepository.Artifact;
import dev.slipway.backup.store.BackupSetRow;
import dev.slipway.backup.store.RestoreRepository;
import dev.slipway.backup.store.RestoreRow;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.FieldError;
import dev.slipway.platform.grpc.PageToken;
import dev.slipway.platform.grpc.ProtoTime;
import dev.slipway.platform.grpc.Unary;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.proto.v1.BackupArtifact;
import dev.slipway.proto.v1.BackupRestore;
import dev.slipway.proto.v1.BackupServiceGrpc;
import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.BackupSetKind;
import dev.slipway.proto.v1.BackupSetStatus;
import dev.slipway.proto.v1.GetBackupSetRequest;
import dev.slipway.proto.v1.ListBackupSetsRequest;
import dev.slipway.proto.v1.ListBackupSetsResponse;
import dev.slipway.proto.v1.PruneBackupSetsRequest;
import dev.slipway.proto.v1.PruneBackupSetsResponse;
import dev.slipway.proto.v1.PrunedSet;
import dev.slipway.proto.v1.RestoreOutcome;
import dev.slipway.proto.v1.TargetRef;
import dev.slipway.proto.v1.VerifyBackupSetRequest;
import dev.slipway.proto.v1.VerifyBackupSetResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/** gRPC {@code slipway.v1.BackupService}: the sets a target has, one set whole, and its proof. */
@Singleton
public class BackupEndpoint extends BackupServiceGrpc.BackupServiceImplBase {
  private static final int DEFAULT_PAGE = 20;
  private static final int CONCURRENT_VERIFIES = 2;
  private static final Duration LONGEST_VERIFY = Duration.ofHours(2);

  private final Transactions transactions;
  private final BackupRepository sets;
  private final RestoreRepository restores;
  private final BackupVerifier verifier;
  private final Pruner pruner;
  private final Clock clock;
  private final Semaphore verifying = new Semaphore(CONCURRENT_VERIFIES);

  public BackupEndpoint(
      Transactions transactions,
      BackupRepository sets,
      RestoreRepository restores,
      BackupVerifier verifier,
      Pruner pruner,
      Clock clock) {
    this.pruner = pruner;
    this.transactions = transactions;
    this.sets = sets;
    this.restores = restores;
    this.verifier = verifier;
    this.clock = clock;
  }

  @Override
  public void listBackupSets(
      ListBackupSetsRequest request, StreamObserver<ListBackupSetsResponse> response) {
    Unary.answer(
        response,
        () -> {
          if (request.getApp().isEmpty() || request.getEnvironment().isEmpty()) {
            throw FieldError.of(request.getApp().isEmpty() ? "app" : "environment", "is required");
          }
          int size = PageToken.pageSize(request.getPageSize(), DEFAULT_PAGE);
          PageToken after = PageToken.decode(request.getPageToken(), PageToken.NEWEST);
          String kind =
              request.getKind() == BackupSetKind.BACKUP_SET_KIND_UNSPECIFIED
                  ? ""
                  : request.getKind().name().substring("BACKUP_SET_KIND_".length());
          ListBackupSetsResponse.Builder page = ListBackupSetsResponse.newBuilder();
          List<BackupSetRow> rows =
              transactions.read(
                  c -> {
                    List<BackupSetRow> found =
                        sets.page(
                            request.getApp(),
                            request.getEnvironment(),
                            kind,
                            after.at(),
                            after.id(),
                            size + 1);
                    page.addAllSets(summaries(found.stream().limit(size).toList()));
                    return found;
                  });
          if (rows.size() > size) {
            BackupSetRow last = rows.get(size - 1);
            page.setNextPageToken(new PageToken(last.createdAt(), last.id()).encode());
          }
          return page.build();
        });
  }

  @Override
  public void getBackupSet(GetBackupSetRequest request, StreamObserver<BackupSet> response) {
    Unary.answer(
        response,
        () -> {
          BackupSetRow row = find(request.getSetId());
          List<Artifact> artifacts = transactions.read(c -> sets.artifacts(row.id()));
          BackupSet.Builder set =
              summary(row, artifacts.stream().mapToLong(Artifact::size).sum(), artifacts.size())
                  .toBuilder();
          artifacts.forEach(
              a ->
                  set.addArtifacts(
                      BackupArtifact.newBuilder()
                          .setItemIndex(a.itemIndex())
                          .setType(a.type())
                          .setSource(a.source())
                          .setPath(a.path())
                          .setSizeBytes(a.size())
                          .setSha256(a.sha256())));
          transactions
              .read(c -> restores.findBySetIdOrderById(row.id()))
              .forEach(r -> set.addRestores(restore(r)));
          return set.build();
        });
  }

  @Override
  public void verifyBackupSet(
      VerifyBackupSetRequest request, StreamObserver<VerifyBackupSetResponse> response) {
    Unary.answer(
        response,
        () -> {
          BackupSetRow set = find(request.getSetId());
          if (set.status() != SetStatus.COMPLETE) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "backup set " + set.id() + " is " + set.status() + ": " + set.summary())
                .asRuntimeException();
          }
          if (!verifying.tryAcquire()) {
            throw Status.RESOURCE_EXHAUSTED
                .withDescription(
                    CONCURRENT_VERIFIES
                        + " verifications are running on this backup-service; try again when one"
                        + " ends")
                .asRuntimeException();
          }
          try {
            return verifier.verify(set, request.getDeep(), stopSignal());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                .withDescription("the backup-service is stopping")
                .asRuntimeException();
          } finally {
            verifying.release();
          }
        });
  }

  @Override
  public void pruneBackupSets(
      PruneBackupSetsRequest request, StreamObserver<PruneBackupSetsResponse> response) {
    Unary.answer(
        response,
        () -> {
          if (request.getApp().isEmpty() || request.getEnvironment().isEmpty()) {
            throw FieldError.of(request.getApp().isEmpty() ? "app" : "environment", "is required");
          }
          Pruner.Result result;
          try {
            result =
                pruner.prune(
                    request.getApp(), request.getEnvironment(), request.getDryRun(), stopSignal());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED
                .withDescription("the backup-service is stopping")
                .asRuntimeException();
          }
          PruneBackupSetsResponse.Builder answer =
              PruneBackupSetsResponse.newBuilder().setPolicy(result.policy().toString());
          List<BackupSet> summaries =
              transactions.read(
                  c -> summaries(result.sets().stream().map(Pruner.Pruned::set).toList()));
          for (int i = 0; i < summaries.size(); i++) {
            Pruner.Pruned p = result.sets().get(i);
            answer.addSets(
                PrunedSet.newBuilder().setSet(summaries.get(i)).setKept(p.kept()).setWhy(p.why()));
          }
          return answer.build();
        });
  }

  /** Stops the tools when the caller goes away or its deadline passes. */
  private StopSignal stopSignal() {
    Context context = Context.current();
    Duration bound =
        context.getDeadline() == null
            ? LONGEST_VERIFY
            : Duration.ofMillis(
                Math.min(
                    LONGEST_VERIFY.toMillis(),
                    context.getDeadline().timeRemaining(TimeUnit.MILLISECONDS)));
    StopSignal stop = StopSignal.after(bound, clock);
    context.addListener(c -> stop.cancel("the caller went away"), Runnable::run);
    return stop;
  }

  private BackupSetRow find(String setId) {
    UUID id = FieldError.uuid("set_id", setId);
    return transactions
        .read(c -> sets.findById(id))
        .orElseThrow(
            () -> Status.NOT_FOUND.withDescription("no backup set " + id).asRuntimeException());
  }

  /** The sets as summaries, their sizes read in one query. */
  private List<BackupSet> summaries(List<BackupSetRow> rows) {
    if (rows.isEmpty()) {
      return List.of();
    }
    Map<UUID, BackupRepository.SetSize> sizes =
        sets.sizes(rows.stream().map(BackupSetRow::id).toList()).stream()
            .collect(Collectors.toMap(BackupRepository.SetSize::setId, Function.identity()));
    return rows.stream()
        .map(
            row -> {
              BackupRepository.SetSize size = sizes.get(row.id());
              return size == null
                  ? summary(row, 0, 0)
                  : summary(row, size.bytes(), size.artifacts());
            })
        .toList();
  }

  private static BackupSet summary(BackupSetRow row, long bytes, int artifacts) {
    BackupSet.Builder set =
        BackupSet.newBuilder()
            .setId(row.id().toString())
            .setDeploymentId(row.deploymentId().toString())
            .setTarget(TargetRef.newBuilder().setApp(row.app()).setEnvironment(row.environment()))
            .setKind(BackupSetKind.valueOf("BACKUP_SET_KIND_" + row.kind().name()))
            .setStatus(BackupSetStatus.valueOf("BACKUP_SET_STATUS_" + row.status().name()))
            .setSummary(row.summary())
            .setCreatedAt(ProtoTime.of(row.createdAt()))
            .setSizeBytes(bytes)
            .setArtifactCount(artifacts);
    if (row.completedAt() != null) {
      set.setCompletedAt(ProtoTime.of(row.completedAt()));
    }
    if (row.deletedAt() != null) {
      set.setDeletedAt(ProtoTime.of(row.deletedAt()));
    }
    return set.build();
  }

  private static BackupRestore restore(RestoreRow row) {
    BackupRestore.Builder restore =
        BackupRestore.newBuilder()
            .setDeploymentId(row.deploymentId().toString())
            .setOutcome(RestoreOutcome.valueOf("RESTORE_OUTCOME_" + row.outcome().name()))
            .setSummary(row.summary())
            .setStartedAt(ProtoTime.of(row.startedAt()));
    if (row.finishedAt() != null) {
      restore.setFinishedAt(ProtoTime.of(row.finishedAt()));
    }
    return restore.build();
  }
}
