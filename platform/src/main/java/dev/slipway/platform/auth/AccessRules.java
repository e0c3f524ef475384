package dev.slipway.platform.auth;

import static dev.slipway.platform.auth.AccessRules.Environment.FROM_DEPLOYMENT;
import static dev.slipway.platform.auth.AccessRules.Environment.FROM_REQUEST;
import static dev.slipway.platform.auth.AccessRules.Environment.NONE;

import dev.slipway.platform.auth.Scope.Kind;
import dev.slipway.proto.internal.v1.StepReportServiceGrpc;
import dev.slipway.proto.internal.v1.WorkerServiceGrpc;
import dev.slipway.proto.v1.BackupServiceGrpc;
import dev.slipway.proto.v1.ChannelServiceGrpc;
import dev.slipway.proto.v1.DeploymentServiceGrpc;
import dev.slipway.proto.v1.HealthServiceGrpc;
import dev.slipway.proto.v1.NotificationServiceGrpc;
import dev.slipway.proto.v1.SecretServiceGrpc;
import dev.slipway.proto.v1.TokenServiceGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of who may call what: every gRPC method any Slipway service serves, and the scope
 * it needs. A method missing here is refused to everyone (and fails the build's access test).
 */
public final class AccessRules {
  /** Where the environment a scope is checked against comes from. */
  public enum Environment {
    /** The scope is not per environment. */
    NONE,
    /** The request's {@code environment} field. */
    FROM_REQUEST,
    /** The environment of the deployment named by the request's {@code deployment_id}. */
    FROM_DEPLOYMENT
  }

  /** What a method needs; {@code kind} null means open to anyone. */
  public record Rule(Kind kind, Environment environment) {
    static final Rule OPEN = new Rule(null, NONE);

    public boolean open() {
      return kind == null;
    }
  }

  private static final Map<String, Rule> RULES = new LinkedHashMap<>();

  static {
    // Probes and, when an operator switches it on, the schema: nothing behind them is private.
    rule(HealthGrpc.getCheckMethod(), Rule.OPEN);
    rule(HealthGrpc.getWatchMethod(), Rule.OPEN);
    rule(ServerReflectionGrpc.getServerReflectionInfoMethod(), Rule.OPEN);

    rule(DeploymentServiceGrpc.getCreateDeploymentMethod(), new Rule(Kind.DEPLOY, FROM_REQUEST));
    rule(DeploymentServiceGrpc.getGetDeploymentMethod(), new Rule(Kind.READ, NONE));
    rule(DeploymentServiceGrpc.getGetStepLogsMethod(), new Rule(Kind.READ, NONE));
    rule(DeploymentServiceGrpc.getListDeploymentsMethod(), new Rule(Kind.READ, NONE));
    rule(DeploymentServiceGrpc.getWatchDeploymentMethod(), new Rule(Kind.READ, NONE));
    rule(DeploymentServiceGrpc.getCancelDeploymentMethod(), new Rule(Kind.CANCEL, FROM_DEPLOYMENT));
    rule(DeploymentServiceGrpc.getRollbackTargetMethod(), new Rule(Kind.ROLLBACK, FROM_REQUEST));
    // It overwrites a target's data with what a set holds, whichever deployment took the set.
    rule(DeploymentServiceGrpc.getRestoreBackupMethod(), new Rule(Kind.ADMIN, NONE));
    rule(DeploymentServiceGrpc.getApplyTargetMethod(), new Rule(Kind.ADMIN, NONE));
    rule(DeploymentServiceGrpc.getGetTargetMethod(), new Rule(Kind.READ, NONE));
    rule(DeploymentServiceGrpc.getListTargetsMethod(), new Rule(Kind.READ, NONE));
    rule(DeploymentServiceGrpc.getListQuarantinedMethod(), new Rule(Kind.READ, NONE));
    // Releasing a version from quarantine lets it be deployed again: as much as deploying it.
    rule(DeploymentServiceGrpc.getReleaseQuarantinedMethod(), new Rule(Kind.DEPLOY, FROM_REQUEST));
    rule(
        DeploymentServiceGrpc.getApproveDeploymentMethod(),
        new Rule(Kind.APPROVE, FROM_DEPLOYMENT));
    rule(
        DeploymentServiceGrpc.getRejectDeploymentMethod(), new Rule(Kind.APPROVE, FROM_DEPLOYMENT));
    // Ending a bake early lets a release count as good sooner: as much as deploying it.
    rule(
        DeploymentServiceGrpc.getPromoteDeploymentMethod(), new Rule(Kind.DEPLOY, FROM_DEPLOYMENT));
    // Rolling a release back is what a deployer does when it goes wrong.
    rule(DeploymentServiceGrpc.getAbortDeploymentMethod(), new Rule(Kind.DEPLOY, FROM_DEPLOYMENT));
    rule(DeploymentServiceGrpc.getGetLedgerMethod(), new Rule(Kind.READ, NONE));
    rule(DeploymentServiceGrpc.getApplyFreezeWindowMethod(), new Rule(Kind.ADMIN, NONE));
    rule(DeploymentServiceGrpc.getListFreezeWindowsMethod(), new Rule(Kind.READ, NONE));
    rule(DeploymentServiceGrpc.getDeleteFreezeWindowMethod(), new Rule(Kind.ADMIN, NONE));

    rule(TokenServiceGrpc.getCreateTokenMethod(), new Rule(Kind.ADMIN, NONE));
    rule(TokenServiceGrpc.getListTokensMethod(), new Rule(Kind.ADMIN, NONE));
    rule(TokenServiceGrpc.getRevokeTokenMethod(), new Rule(Kind.ADMIN, NONE));
    rule(SecretServiceGrpc.getSetSecretMethod(), new Rule(Kind.ADMIN, NONE));
    rule(SecretServiceGrpc.getListSecretsMethod(), new Rule(Kind.ADMIN, NONE));
    rule(SecretServiceGrpc.getDeleteSecretMethod(), new Rule(Kind.ADMIN, NONE));
    rule(SecretServiceGrpc.getRotateMasterKeyMethod(), new Rule(Kind.ADMIN, NONE));

    rule(StepReportServiceGrpc.getReportStepMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(StepReportServiceGrpc.getReportProgressMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(WorkerServiceGrpc.getGetStepContextMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(WorkerServiceGrpc.getResolveSecretMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(WorkerServiceGrpc.getGetBackupKeyMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(WorkerServiceGrpc.getAuthenticateMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(WorkerServiceGrpc.getGetRetentionMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(WorkerServiceGrpc.getGetChannelsMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(WorkerServiceGrpc.getListWatchesMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(WorkerServiceGrpc.getReportWatchVerdictMethod(), new Rule(Kind.INTERNAL, NONE));
    rule(ChannelServiceGrpc.getApplyChannelMethod(), new Rule(Kind.ADMIN, NONE));
    rule(ChannelServiceGrpc.getDeleteChannelMethod(), new Rule(Kind.ADMIN, NONE));

    // The workers' own services, also passed through by the orchestrator (checked at both).
    rule(HealthServiceGrpc.getListCheckRoundsMethod(), new Rule(Kind.READ, NONE));
    rule(BackupServiceGrpc.getListBackupSetsMethod(), new Rule(Kind.READ, NONE));
    rule(BackupServiceGrpc.getGetBackupSetMethod(), new Rule(Kind.READ, NONE));
    // It decrypts the artifacts, reads the database's password and creates a scratch database.
    rule(BackupServiceGrpc.getVerifyBackupSetMethod(), new Rule(Kind.ADMIN, NONE));
    rule(BackupServiceGrpc.getPruneBackupSetsMethod(), new Rule(Kind.ADMIN, NONE));
    rule(NotificationServiceGrpc.getListDeliveriesMethod(), new Rule(Kind.READ, NONE));
    rule(NotificationServiceGrpc.getRetryDeliveryMethod(), new Rule(Kind.ADMIN, NONE));
    rule(NotificationServiceGrpc.getListChannelsMethod(), new Rule(Kind.READ, NONE));
    rule(NotificationServiceGrpc.getTestChannelMethod(), new Rule(Kind.ADMIN, NONE));
  }

  private AccessRules() {}

  private static void rule(MethodDescriptor<?, ?> method, Rule rule) {
    RULES.put(method.getFullMethodName(), rule);
  }

  /**
   * The rule of a method by its full name ({@code slipway.v1.DeploymentService/CreateDeployment}).
   */
  public static Optional<Rule> of(String fullMethodName) {
    return Optional.ofNullable(RULES.get(fullMethodName));
  }

  /** Every method with its rule, in the order above. */
  public static Map<String, Rule> all() {
    return Map.copyOf(RULES);
  }
}
