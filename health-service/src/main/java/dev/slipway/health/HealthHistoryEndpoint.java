package dev.slipway.health;

import com.google.protobuf.Timestamp;
import dev.slipway.health.probes.CheckResultRow;
import dev.slipway.health.probes.CheckResults;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.PhaseNames;
import dev.slipway.platform.grpc.FieldError;
import dev.slipway.platform.grpc.Unary;
import dev.slipway.proto.v1.CheckOutcome;
import dev.slipway.proto.v1.CheckRound;
import dev.slipway.proto.v1.HealthServiceGrpc;
import dev.slipway.proto.v1.ListCheckRoundsRequest;
import dev.slipway.proto.v1.ListCheckRoundsResponse;
import dev.slipway.proto.v1.Phase;
import io.grpc.stub.StreamObserver;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * gRPC {@code slipway.v1.HealthService}: the rounds every check ran, paged in the order they ran.
 */
@Singleton
public class HealthHistoryEndpoint extends HealthServiceGrpc.HealthServiceImplBase {
  private static final int DEFAULT_PAGE = 100;
  private static final int LARGEST_PAGE = 500;
  private final Transactions transactions;
  private final CheckResults results;

  public HealthHistoryEndpoint(Transactions transactions, CheckResults results) {
    this.transactions = transactions;
    this.results = results;
  }

  @Override
  public void listCheckRounds(
      ListCheckRoundsRequest request, StreamObserver<ListCheckRoundsResponse> response) {
    Unary.answer(
        response,
        () -> {
          UUID deployment = deploymentId(request.getDeploymentId());
          int size = pageSize(request.getPageSize());
          long after = afterId(request.getPageToken());
          String phase =
              request.getPhase() == Phase.PHASE_UNSPECIFIED
                  ? ""
                  : PhaseNames.of(request.getPhase());
          // One row more than the page says whether another page follows.
          List<CheckResultRow> rows =
              transactions.read(c -> results.page(deployment, phase, after, size + 1));
          ListCheckRoundsResponse.Builder page = ListCheckRoundsResponse.newBuilder();
          rows.stream().limit(size).map(HealthHistoryEndpoint::round).forEach(page::addRounds);
          if (rows.size() > size) {
            page.setNextPageToken(token(rows.get(size - 1).id()));
          }
          return page.build();
        });
  }

  private static CheckRound round(CheckResultRow row) {
    return CheckRound.newBuilder()
        .setPhase(PhaseNames.parse(row.phase()))
        .setAttempt(row.attempt())
        .setRound(row.round())
        .setCheck(row.checkName())
        .setOutcome(CheckOutcome.valueOf("CHECK_OUTCOME_" + row.outcome().name()))
        .setLatencyMs(row.latencyMs())
        .setObserved(row.detail())
        .setCounted(row.counted())
        .setCheckedAt(
            Timestamp.newBuilder()
                .setSeconds(row.checkedAt().getEpochSecond())
                .setNanos(row.checkedAt().getNano()))
        .build();
  }

  private static UUID deploymentId(String text) {
    try {
      return UUID.fromString(text);
    } catch (IllegalArgumentException e) {
      throw FieldError.of("deployment_id", "is not a UUID");
    }
  }

  private static int pageSize(int requested) {
    if (requested < 0 || requested > LARGEST_PAGE) {
      throw FieldError.of("page_size", "must be between 1 and " + LARGEST_PAGE);
    }
    return requested == 0 ? DEFAULT_PAGE : requested;
  }

  private static String token(long lastId) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(Long.toString(lastId).getBytes(StandardCharsets.UTF_8));
  }

  private static long afterId(String token) {
    if (token.isEmpty()) {
      return 0;
    }
    try {
      long id =
          Long.parseLong(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
      if (id < 0) {
        throw new IllegalArgumentException("negative");
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw FieldError.of("page_token", "is not a token from a previous response");
    }
  }
}
