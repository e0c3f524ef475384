package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.devstack.Service;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.ListTargetsRequest;
import dev.slipway.proto.v1.ListTargetsResponse;
import dev.slipway.proto.v1.WatchDeploymentRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every service answers the standard gRPC health check; reflection is served when switched on. */
class GrpcContractsTest {
  private static E2eEnvironment env;

  @BeforeAll
  static void start() throws Exception {
    env = E2eEnvironment.get();
  }

  @Test
  void everyServiceIsServing() throws Exception {
    for (Service service : Service.values()) {
      ManagedChannel channel =
          ManagedChannelBuilder.forAddress("127.0.0.1", env.stack.port(service))
              .usePlaintext()
              .build();
      try {
        HealthCheckResponse health =
            HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus())
            .as(service.module())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void aWatchResumesAfterTheSequenceItIsGivenAndEndsWithTheDeployment() throws Exception {
    env.apply(
        Files.createTempDirectory("watch"),
        "watched",
        """
        app: watched
        environment: qa
        deploy: { command: ["true"] }
        """);
    Deployment done =
        E2eEnvironment.deployment(
            Cli.run(
                    env.server(),
                    "deploy",
                    "--app",
                    "watched",
                    "--env",
                    "qa",
                    "--version",
                    "1.0.0",
                    "--wait",
                    "-o",
                    "json")
                .out());
    long last = done.getLastSequence();
    assertThat(last).as("requested, deploy started, deploy completed, finished").isEqualTo(4);

    ManagedChannel channel = ManagedChannelBuilder.forTarget(env.server()).usePlaintext().build();
    try {
      List<DeploymentEvent> events = new ArrayList<>();
      DeploymentServiceGrpc.newBlockingStub(channel)
          .withInterceptors(env.adminCredentials())
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .watchDeployment(
              WatchDeploymentRequest.newBuilder()
                  .setDeploymentId(done.getId())
                  .setAfterSequence(last - 2)
                  .build())
          .forEachRemaining(events::add);
      assertThat(events).extracting(DeploymentEvent::getSequence).containsExactly(last - 1, last);
      assertThat(events.getLast().getFinished().getStatus()).isEqualTo(done.getStatus());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void targetsArePagedInNameOrderWithNothingMissedOrRepeated() throws Exception {
    Path dir = Files.createTempDirectory("paged");
    List<String> applied =
        List.of("paged-c/qa", "paged-a/qa", "paged-b/prod", "paged-b/qa", "paged-d/qa");
    for (String target : applied) {
      String[] key = target.split("/");
      env.apply(
          dir,
          key[0] + "-" + key[1],
          "app: %s\nenvironment: %s\ndeploy: { command: [\"true\"] }\n".formatted(key[0], key[1]));
    }
    ManagedChannel channel = ManagedChannelBuilder.forTarget(env.server()).usePlaintext().build();
    try {
      var stub =
          DeploymentServiceGrpc.newBlockingStub(channel).withInterceptors(env.adminCredentials());
      List<String> listed = new ArrayList<>();
      String token = "";
      int pages = 0;
      do {
        ListTargetsResponse page =
            stub.listTargets(
                ListTargetsRequest.newBuilder().setPageSize(2).setPageToken(token).build());
        assertThat(page.getTargetsCount()).isBetween(1, 2);
        page.getTargetsList()
            .forEach(t -> listed.add(t.getSpec().getApp() + "/" + t.getSpec().getEnvironment()));
        token = page.getNextPageToken();
        pages++;
      } while (!token.isEmpty());

      assertThat(listed).doesNotHaveDuplicates().containsAll(applied);
      assertThat(pages).isEqualTo((listed.size() + 1) / 2);
      assertThat(listed.stream().filter(t -> t.startsWith("paged-")))
          .containsExactly("paged-a/qa", "paged-b/prod", "paged-b/qa", "paged-c/qa", "paged-d/qa");
      assertThatThrownBy(
              () ->
                  stub.listTargets(
                      ListTargetsRequest.newBuilder().setPageToken("not-a-token").build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains("page_token");
              });
    } finally {
      channel.shutdownNow();
    }
    Cli.Run cli = Cli.run(env.server(), "target", "list");
    assertThat(cli.exit()).isZero();
    assertThat(cli.out()).contains("target paged-a/qa", "target paged-d/qa");
    Cli.Run status = Cli.run(env.server(), "status");
    assertThat(status.exit()).isZero();
    assertThat(status.out()).contains("paged-a/qa", "paged-b/prod", "paged-d/qa");
  }

  @Test
  void theOrchestratorListsItsServicesThroughReflection() throws Exception {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(env.server()).usePlaintext().build();
    try {
      CompletableFuture<List<String>> services = new CompletableFuture<>();
      StreamObserver<ServerReflectionRequest> requests =
          ServerReflectionGrpc.newStub(channel)
              .serverReflectionInfo(
                  new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse response) {
                      services.complete(
                          response.getListServicesResponse().getServiceList().stream()
                              .map(ServiceResponse::getName)
                              .toList());
                    }

                    @Override
                    public void onError(Throwable t) {
                      services.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                  });
      requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
      assertThat(services.get(10, TimeUnit.SECONDS))
          .contains(
              "slipway.v1.DeploymentService",
              "slipway.internal.v1.StepReportService",
              "grpc.health.v1.Health");
      requests.onCompleted();
    } finally {
      channel.shutdownNow();
    }
  }
}
