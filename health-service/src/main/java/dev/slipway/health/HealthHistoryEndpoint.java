package dev.slipway.health;

import dev.slipway.health.probes.CheckResultRow;
import dev.slipway.health.probes.CheckResults;
import dev.slipway.platform.db.Transactions;
import dev.slipway.platform.events.PhaseNames;
import dev.slipway.platform.grpc.FieldError;
import dev.slipway.platform.grpc.PageToken;
import dev.slipway.platform.grpc.ProtoTime;
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
          UUID deployment = FieldError.uuid("deployment_id", request.getDeploymentId());
          int size = PageToken.pageSize(request.getPageSize(), DEFAULT_PAGE);
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
        .setStep(row.step())
        .setRound(row.round())
        .setCheck(row.checkName())
        .setOutcome(CheckOutcome.valueOf("CHECK_OUTCOME_" + row.outcome().name()))
        .setLatencyMs(row.latencyMs())
        .setObserved(row.detail())
        .setCounted(row.counted())
        .setCheckedAt(ProtoTime.of(row.checkedAt()))
        .build();
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
