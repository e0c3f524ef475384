package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.ServiceDescriptorProto;
import dev.slipway.devstack.Service;
import dev.slipway.platform.auth.AccessRules;
import dev.slipway.platform.auth.Scope;
import dev.slipway.platform.grpc.PassThrough;
import dev.slipway.proto.internal.v1.ReportStepRequest;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import dev.slipway.proto.v1.CreateDeploymentRequest;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.ListTargetsRequest;
import dev.slipway.proto.v1.Phase;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nobody acts on Slipway without a token that carries the scope the call needs. */
class AccessControlTest {
  private static final Set<String> OPEN_SERVICES =
      Set.of("grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
  private static E2eEnvironment env;
  private static Path everythingButAdmin;
  private static Path worker;
  private static final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    env = E2eEnvironment.get();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    everythingButAdmin =
        env.token(
            "all-but-admin-" + suffix,
            "read",
            "deploy:*",
            "rollback:*",
            "cancel:*",
            "approve:*",
            "freeze:override:*");
    worker = env.token("worker-" + suffix, "internal");
  }

  @AfterAll
  static void close() {
    channels.forEach(ManagedChannel::shutdownNow);
  }

  @Test
  void everyMethodEveryServiceRegistersIsRefusedWithoutATokenAndWithoutItsScope() throws Exception {
    List<String> checked = new ArrayList<>();
    for (Service service : Service.values()) {
      ManagedChannel channel = channel("127.0.0.1:" + env.stack.port(service));
      for (String method : registeredMethods(channel)) {
        if (OPEN_SERVICES.contains(method.substring(0, method.indexOf('/')))) {
          continue;
        }
        AccessRules.Rule rule =
            AccessRules.of(method)
                .orElseThrow(
                    () ->
                        new AssertionError(
                            method + " is served but has no access rule in AccessRules"));
        assertThat(rule.open()).as(method + " must not be open").isFalse();

        assertThat(call(channel, method, null).getCode())
            .as(method + " without a token")
            .isEqualTo(Status.Code.UNAUTHENTICATED);
        Path lacking =
            rule.kind() == Scope.Kind.INTERNAL
                ? env.stack.adminTokenFile()
                : rule.kind() == Scope.Kind.ADMIN ? everythingButAdmin : worker;
        Status denied = call(channel, method, Files.readString(lacking).strip());
        assertThat(denied.getCode())
            .as(method + " with a token lacking " + rule.kind().text())
            .isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(denied.getDescription()).contains("lacks the scope " + rule.kind().text());
        checked.add(method);
      }
    }
    assertThat(checked)
        .as("every RPC of the orchestrator was enumerated")
        .contains(
            "slipway.v1.DeploymentService/CreateDeployment",
            "slipway.v1.TokenService/CreateToken",
            "slipway.v1.SecretService/RotateMasterKey",
            "slipway.internal.v1.StepReportService/ReportStep",
            "slipway.internal.v1.WorkerService/ResolveSecret");
    assertThat(Set.copyOf(checked))
        .containsAll(
            AccessRules.all().entrySet().stream()
                .filter(rule -> !rule.getValue().open())
                .map(java.util.Map.Entry::getKey)
                .toList());
  }

  @Test
  void aReadTokenReadsButCannotDeployAndAStagingTokenCannotDeployToProduction() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    env.apply(
        Files.createTempDirectory("scopes"),
        "scoped",
        """
        app: scoped-%s
        environment: production
        deploy: { command: ["true"] }
        """
            .formatted(suffix));
    env.apply(
        Files.createTempDirectory("scopes"),
        "scoped-staging",
        """
        app: scoped-%s
        environment: staging
        deploy: { command: ["true"] }
        """
            .formatted(suffix));
    Path reader = env.token("reader-" + suffix, "read");
    Path ciStaging = env.token("ci-staging-" + suffix, "deploy:staging", "read");

    assertThat(Cli.as(reader, env.server(), "target", "list").exit()).isZero();
    Cli.Run readerDeploys =
        Cli.as(
            reader,
            env.server(),
            "deploy",
            "--app",
            "scoped-" + suffix,
            "--env",
            "staging",
            "--version",
            "1.0.0");
    assertThat(readerDeploys.exit()).isEqualTo(12);
    assertThat(readerDeploys.err()).contains("lacks the scope deploy:staging");

    Cli.Run toProduction =
        Cli.as(
            ciStaging,
            env.server(),
            "deploy",
            "--app",
            "scoped-" + suffix,
            "--env",
            "production",
            "--version",
            "1.0.0");
    assertThat(toProduction.exit()).isEqualTo(12);
    assertThat(toProduction.err()).contains("lacks the scope deploy:production");

    Cli.Run toStaging =
        Cli.as(
            ciStaging,
            env.server(),
            "deploy",
            "--app",
            "scoped-" + suffix,
            "--env",
            "staging",
            "--version",
            "1.0.0",
            "--wait",
            "-o",
            "json");
    assertThat(toStaging.exit()).as(toStaging.all()).isZero();
    Deployment deployment = E2eEnvironment.deployment(toStaging.out());
    assertThat(deployment.getRequestedBy())
        .as("the actor is the token's name")
        .isEqualTo("ci-staging-" + suffix);

    Cli.Run cancel = Cli.as(ciStaging, env.server(), "cancel", deployment.getId());
    assertThat(cancel.exit()).as("cancel needs cancel:staging").isEqualTo(12);
    assertThat(cancel.err()).contains("lacks the scope cancel:staging");

    Cli.Run apply =
        Cli.as(
            ciStaging,
            env.server(),
            "token",
            "create",
            "--name",
            "x-" + suffix,
            "--scope",
            "admin");
    assertThat(apply.exit()).isEqualTo(12);
    assertThat(apply.err()).contains("lacks the scope admin");
  }

  @Test
  void workersAndUsersKeepToTheirOwnDoors() throws Exception {
    ManagedChannel channel = channel(env.server());
    var asAdmin =
        StepReportServiceGrpc.newBlockingStub(channel)
            .withInterceptors(E2eEnvironment.bearer(env.stack.adminTokenFile()));
    assertThatThrownBy(
            () ->
                asAdmin.reportStep(
                    ReportStepRequest.newBuilder()
                        .setDeploymentId(UUID.randomUUID().toString())
                        .setPhase(Phase.PHASE_VERIFY)
                        .setAttempt(1)
                        .setSucceeded(true)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription()).contains("lacks the scope internal");
            });

    var asBackupService =
        StepReportServiceGrpc.newBlockingStub(channel)
            .withInterceptors(
                E2eEnvironment.bearer(
                    env.token(
                        "backup-service-" + UUID.randomUUID().toString().substring(0, 8),
                        "internal")));
    assertThatThrownBy(
            () ->
                asBackupService.reportStep(
                    ReportStepRequest.newBuilder()
                        .setDeploymentId(UUID.randomUUID().toString())
                        .setPhase(Phase.PHASE_VERIFY)
                        .setAttempt(1)
                        .build()))
        .as("a worker reports only the phases it runs")
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
              assertThat(e.getStatus().getDescription()).contains("only the health-service does");
            });
    assertThatThrownBy(
            () ->
                asBackupService.reportStep(
                    ReportStepRequest.newBuilder()
                        .setDeploymentId(UUID.randomUUID().toString())
                        .setPhase(Phase.PHASE_DEPLOY)
                        .setAttempt(1)
                        .build()))
        .as("DEPLOY and REVERT are the orchestrator's own")
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("run by the orchestrator itself");
            });

    var asWorker =
        DeploymentServiceGrpc.newBlockingStub(channel)
            .withInterceptors(E2eEnvironment.bearer(worker));
    assertThatThrownBy(
            () ->
                asWorker.createDeployment(
                    CreateDeploymentRequest.newBuilder()
                        .setApp("journal")
                        .setEnvironment("e2e")
                        .setVersion("9.9.9")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void aRevokedTokenIsRefusedWithinASecondAndSecretsAreShownOnlyOnce() throws Exception {
    String name = "short-lived-" + UUID.randomUUID().toString().substring(0, 8);
    Path token = env.token(name, "read");
    String secret = Files.readString(token).strip();
    assertThat(secret).matches("slw_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}");
    var stub =
        DeploymentServiceGrpc.newBlockingStub(channel(env.server()))
            .withInterceptors(E2eEnvironment.bearer(token));
    stub.listTargets(ListTargetsRequest.getDefaultInstance());

    Cli.Run list = Cli.run(env.server(), "token", "list", "-o", "json");
    assertThat(list.out()).contains(name).doesNotContain(secret).contains("expiresAt");

    assertThat(Cli.run(env.server(), "token", "revoke", name).exit()).isZero();
    long revokedAt = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(50))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> stub.listTargets(ListTargetsRequest.getDefaultInstance()))
                    .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> {
                          assertThat(e.getStatus().getCode())
                              .isEqualTo(Status.Code.UNAUTHENTICATED);
                          assertThat(e.getStatus().getDescription()).contains("revoked");
                        }));
    assertThat(Duration.ofNanos(System.nanoTime() - revokedAt)).isLessThan(Duration.ofSeconds(1));

    Cli.Run garbled =
        Cli.as(
            Files.writeString(
                token.resolveSibling(name + ".garbled"), secret.substring(0, 40) + "x_zzzzzz"),
            env.server(),
            "target",
            "list");
    assertThat(garbled.exit()).isEqualTo(12);
    assertThat(garbled.err()).contains("malformed token");
  }

  @Test
  void theFirstAdminTokenIsWrittenOwnerOnly() throws Exception {
    Path file = env.stack.adminTokenFile();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String log = Files.readString(env.workDir.resolve("logs").resolve("orchestrator.log"));
    assertThat(log).contains(file.toString()).doesNotContain(Files.readString(file).strip());
  }

  private static ManagedChannel channel(String address) {
    ManagedChannel channel = ManagedChannelBuilder.forTarget(address).usePlaintext().build();
    channels.add(channel);
    return channel;
  }

  /**
   * Calls any method with an empty request (valid for every message type) and returns how it ended.
   */
  private static Status call(ManagedChannel channel, String method, String token) {
    MethodDescriptor<byte[], byte[]> descriptor =
        MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method)
            .setRequestMarshaller(PassThrough.BYTES)
            .setResponseMarshaller(PassThrough.BYTES)
            .build();
    Metadata headers = new Metadata();
    if (token != null) {
      headers.put(
          Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    }
    try {
      ClientCalls.blockingUnaryCall(
          io.grpc.ClientInterceptors.intercept(
              channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
          descriptor,
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
          new byte[0]);
      return Status.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus();
    }
  }

  /** Every method of every service the server lists through reflection. */
  private static Set<String> registeredMethods(ManagedChannel channel) throws Exception {
    LinkedBlockingQueue<ServerReflectionResponse> responses = new LinkedBlockingQueue<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(channel)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse response) {
                    responses.add(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    List<String> services =
        responses.poll(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
            .map(ServiceResponse::getName)
            .toList();
    Set<String> methods = new LinkedHashSet<>();
    for (String service : services) {
      requests.onNext(
          ServerReflectionRequest.newBuilder().setFileContainingSymbol(service).build());
      for (var bytes :
          responses
              .poll(10, TimeUnit.SECONDS)
              .getFileDescriptorResponse()
              .getFileDescriptorProtoList()) {
        FileDescriptorProto file = FileDescriptorProto.parseFrom(bytes);
        for (ServiceDescriptorProto described : file.getServiceList()) {
          String fullName =
              (file.getPackage().isEmpty() ? "" : file.getPackage() + ".") + described.getName();
          if (fullName.equals(service)) {
            described.getMethodList().forEach(m -> methods.add(fullName + "/" + m.getName()));
          }
        }
      }
    }
    requests.onCompleted();
    assertThat(services).as("reflection lists the services").isNotEmpty();
    return methods;
  }
}
