package dev.slipway.orchestrator.rest;

import com.google.protobuf.Descriptors.Descriptor;
import dev.slipway.proto.v1.AbortDeploymentRequest;
import dev.slipway.proto.v1.ApproveDeploymentRequest;
import dev.slipway.proto.v1.BackupSet;
import dev.slipway.proto.v1.CancelDeploymentRequest;
import dev.slipway.proto.v1.CreateDeploymentRequest;
import dev.slipway.proto.v1.Deployment;
import dev.slipway.proto.v1.DeploymentEvent;
import dev.slipway.proto.v1.FreezeWindow;
import dev.slipway.proto.v1.GetLedgerResponse;
import dev.slipway.proto.v1.ListBackupSetsResponse;
import dev.slipway.proto.v1.ListCheckRoundsResponse;
import dev.slipway.proto.v1.ListDeliveriesResponse;
import dev.slipway.proto.v1.ListDeploymentsResponse;
import dev.slipway.proto.v1.ListFreezeWindowsResponse;
import dev.slipway.proto.v1.ListQuarantinedResponse;
import dev.slipway.proto.v1.ListTargetsResponse;
import dev.slipway.proto.v1.QuarantinedVersion;
import dev.slipway.proto.v1.RejectDeploymentRequest;
import dev.slipway.proto.v1.ReleaseQuarantinedRequest;
import dev.slipway.proto.v1.RestoreBackupRequest;
import dev.slipway.proto.v1.RollbackTargetRequest;
import dev.slipway.proto.v1.StepLogPage;
import dev.slipway.proto.v1.Target;
import dev.slipway.proto.v1.TargetSpec;
import java.util.List;

/**
 * The schemas the REST operations name: the proto messages they carry, by full name, whose
 * definitions {@link OpenApiDocument} derives from the descriptors, plus the session's own two.
 */
final class ApiSchemas {
  private static final String REF = "#/components/schemas/";
  static final String DEPLOYMENT = REF + "slipway.v1.Deployment";
  static final String CREATE_DEPLOYMENT = REF + "slipway.v1.CreateDeploymentRequest";
  static final String LIST_DEPLOYMENTS = REF + "slipway.v1.ListDeploymentsResponse";
  static final String LOG_PAGE = REF + "slipway.v1.StepLogPage";
  static final String CANCEL = REF + "slipway.v1.CancelDeploymentRequest";
  static final String APPROVE = REF + "slipway.v1.ApproveDeploymentRequest";
  static final String REJECT = REF + "slipway.v1.RejectDeploymentRequest";
  static final String ABORT = REF + "slipway.v1.AbortDeploymentRequest";
  static final String EVENT = REF + "slipway.v1.DeploymentEvent";
  static final String TARGET = REF + "slipway.v1.Target";
  static final String TARGET_SPEC = REF + "slipway.v1.TargetSpec";
  static final String LIST_TARGETS = REF + "slipway.v1.ListTargetsResponse";
  static final String LEDGER = REF + "slipway.v1.GetLedgerResponse";
  static final String LIST_QUARANTINED = REF + "slipway.v1.ListQuarantinedResponse";
  static final String QUARANTINED = REF + "slipway.v1.QuarantinedVersion";
  static final String RELEASE = REF + "slipway.v1.ReleaseQuarantinedRequest";
  static final String ROLLBACK = REF + "slipway.v1.RollbackTargetRequest";
  static final String RESTORE = REF + "slipway.v1.RestoreBackupRequest";
  static final String FREEZE = REF + "slipway.v1.FreezeWindow";
  static final String LIST_FREEZES = REF + "slipway.v1.ListFreezeWindowsResponse";
  static final String CHECK_ROUNDS = REF + "slipway.v1.ListCheckRoundsResponse";
  static final String BACKUP_SETS = REF + "slipway.v1.ListBackupSetsResponse";
  static final String BACKUP_SET = REF + "slipway.v1.BackupSet";
  static final String DELIVERIES = REF + "slipway.v1.ListDeliveriesResponse";
  static final String SIGN_IN = REF + "SignIn";
  static final String SESSION = REF + "Session";
  static final String PROBLEM = REF + "Problem";

  /** Every message an operation names; the messages they hold are found from these. */
  static final List<Descriptor> MESSAGES =
      List.of(
          Deployment.getDescriptor(),
          CreateDeploymentRequest.getDescriptor(),
          ListDeploymentsResponse.getDescriptor(),
          StepLogPage.getDescriptor(),
          CancelDeploymentRequest.getDescriptor(),
          ApproveDeploymentRequest.getDescriptor(),
          RejectDeploymentRequest.getDescriptor(),
          AbortDeploymentRequest.getDescriptor(),
          DeploymentEvent.getDescriptor(),
          Target.getDescriptor(),
          TargetSpec.getDescriptor(),
          ListTargetsResponse.getDescriptor(),
          GetLedgerResponse.getDescriptor(),
          ListQuarantinedResponse.getDescriptor(),
          QuarantinedVersion.getDescriptor(),
          ReleaseQuarantinedRequest.getDescriptor(),
          RollbackTargetRequest.getDescriptor(),
          RestoreBackupRequest.getDescriptor(),
          FreezeWindow.getDescriptor(),
          ListFreezeWindowsResponse.getDescriptor(),
          ListCheckRoundsResponse.getDescriptor(),
          ListBackupSetsResponse.getDescriptor(),
          BackupSet.getDescriptor(),
          ListDeliveriesResponse.getDescriptor());

  private ApiSchemas() {}
}
