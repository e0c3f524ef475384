package dev.slipway.backup;

import com.google.protobuf.Timestamp;
import dev.slipway.backup.domain.SetStatus;
import dev.slipway.backup.store.BackupRepository;
import dev.slipway.backup.store.BackupRepository.Artifact;
import dev.slipway.backup.store.BackupSetRow;
import dev.slipway.backup.store.RestoreRepository;
import dev.slipway.backup.store.RestoreRow;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.grpc.FieldError;
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
import dev.slipway.proto.v1.RestoreOutcome;
import dev.slipway.proto.v1.TargetRef;
import dev.slipway.proto.v1.VerifyBackupSetRequest;
import dev.slipway.proto.v1.VerifyBackupSetResponse;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** gRPC {@code slipway.v1.BackupService}: the sets a target has, one set whole, and its proof. */
@Singleton
public class BackupEndpoint extends BackupServiceGrpc.BackupServiceImplBase {
  private static final int DEFAULT_PAGE = 20;
  private static final int LARGEST_PAGE = 500;
  private static final int CONCURRENT_VERIFIES = 2;
  private static final Duration LONGEST_VERIFY = Duration.ofHours(2);
  private static final Instant NEWEST = Instant.parse("9999-12-31T00:00:00Z");
  private static final UUID LAST_ID = new UUID(-1L, -1L);

  private final Transactions transactions;
  private final BackupRepository sets;
  private final RestoreRepository restores;
  private final BackupVerifier verifier;
  private final Clock clock;
  private final Semaphore verifying = new Semaphore(CONCURRENT_VERIFIES);

  public BackupEndpoint(
      Transactions transactions,
      BackupRepository sets,
      RestoreRepository restores,
      BackupVerifier verifier,
      Clock clock) {
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
          int size = pageSize(request.getPageSize());
          Cursor after = Cursor.decode(request.getPageToken());
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
                    found.stream()
                        .limit(size)
                        .forEach(row -> page.addSets(summary(row, sets.artifacts(row.id()))));
                    return found;
                  });
          if (rows.size() > size) {
            BackupSetRow last = rows.get(size - 1);
            page.setNextPageToken(new Cursor(last.createdAt(), last.id()).encode());
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
          BackupSet.Builder set = summary(row, artifacts).toBuilder();
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
    UUID id;
    try {
      id = UUID.fromString(setId);
    } catch (IllegalArgumentException e) {
      throw FieldError.of("set_id", "is not a UUID");
    }
    return transactions
        .read(c -> sets.findById(id))
        .orElseThrow(
            () -> Status.NOT_FOUND.withDescription("no backup set " + id).asRuntimeException());
  }

  private static BackupSet summary(BackupSetRow row, List<Artifact> artifacts) {
    BackupSet.Builder set =
        BackupSet.newBuilder()
            .setId(row.id().toString())
            .setDeploymentId(row.deploymentId().toString())
            .setTarget(TargetRef.newBuilder().setApp(row.app()).setEnvironment(row.environment()))
            .setKind(BackupSetKind.valueOf("BACKUP_SET_KIND_" + row.kind().name()))
            .setStatus(BackupSetStatus.valueOf("BACKUP_SET_STATUS_" + row.status().name()))
            .setSummary(row.summary())
            .setCreatedAt(timestamp(row.createdAt()))
            .setSizeBytes(artifacts.stream().mapToLong(Artifact::size).sum())
            .setArtifactCount(artifacts.size());
    if (row.completedAt() != null) {
      set.setCompletedAt(timestamp(row.completedAt()));
    }
    if (row.deletedAt() != null) {
      set.setDeletedAt(timestamp(row.deletedAt()));
    }
    return set.build();
  }

  private static BackupRestore restore(RestoreRow row) {
    BackupRestore.Builder restore =
        BackupRestore.newBuilder()
            .setDeploymentId(row.deploymentId().toString())
            .setOutcome(RestoreOutcome.valueOf("RESTORE_OUTCOME_" + row.outcome().name()))
            .setSummary(row.summary())
            .setStartedAt(timestamp(row.startedAt()));
    if (row.finishedAt() != null) {
      restore.setFinishedAt(timestamp(row.finishedAt()));
    }
    return restore.build();
  }

  private static Timestamp timestamp(Instant at) {
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }

  private static int pageSize(int requested) {
    if (requested < 0 || requested > LARGEST_PAGE) {
      throw FieldError.of("page_size", "must be between 1 and " + LARGEST_PAGE);
    }
    return requested == 0 ? DEFAULT_PAGE : requested;
  }

  /** Where a newest-first page ended, as an opaque token. */
  private record Cursor(Instant at, UUID id) {
    String encode() {
      String raw = at.getEpochSecond() + ":" + at.getNano() + ":" + id;
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static Cursor decode(String token) {
      if (token.isEmpty()) {
        return new Cursor(NEWEST, LAST_ID);
      }
      try {
        String[] parts =
            new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 3);
        return new Cursor(
            Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])),
            UUID.fromString(parts[2]));
      } catch (RuntimeException e) {
        throw FieldError.of("page_token", "is not a token from a previous response");
      }
    }
  }
}
