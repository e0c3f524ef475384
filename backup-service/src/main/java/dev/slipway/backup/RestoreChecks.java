package dev.slipway.backup;

import dev.slipway.backup.domain.Item;
import dev.slipway.backup.domain.SetStatus;
import dev.slipway.backup.store.BackupRepository.Artifact;
import dev.slipway.backup.store.BackupSetRow;
import dev.slipway.proto.internal.v1.StepContext;
import java.util.List;
import java.util.Optional;

/**
 * Why a set may not be restored into a target as its spec stands now; checked again when RESTORE
 * runs, since a set can be pruned and a spec changed after the restore was asked for.
 */
final class RestoreChecks {
  private RestoreChecks() {}

  /** Why the set a restore on demand names cannot be restored; null when it can. */
  static String namedSet(StepContext deployment, Optional<BackupSetRow> found) {
    String id = deployment.getRestoreSetId();
    if (found.isEmpty()) {
      return "backup set " + id + " does not exist";
    }
    BackupSetRow set = found.get();
    String owner = set.app() + "/" + set.environment();
    String target = deployment.getTarget().getApp() + "/" + deployment.getTarget().getEnvironment();
    if (!owner.equals(target)) {
      return "backup set " + id + " belongs to " + owner + ", not " + target;
    }
    if (set.status() != SetStatus.COMPLETE) {
      return "backup set " + id + " is " + set.status() + " (" + set.summary() + "), not COMPLETE";
    }
    return null;
  }

  /**
   * Why an artifact does not go where the target's backup item of the same place would put it (the
   * spec changed since the set was taken); null when it does.
   */
  static String mismatch(Artifact artifact, List<Item> items) {
    if (artifact.itemIndex() >= items.size()) {
      return "it holds "
          + artifact.source()
          + " as backup item "
          + artifact.itemIndex()
          + ", and the target's spec has "
          + items.size()
          + " item(s) now";
    }
    String now = items.get(artifact.itemIndex()).source();
    if (!now.equals(artifact.source())) {
      return "it holds "
          + artifact.source()
          + " as backup item "
          + artifact.itemIndex()
          + ", and that item of the target's spec is "
          + now
          + " now";
    }
    return null;
  }
}
