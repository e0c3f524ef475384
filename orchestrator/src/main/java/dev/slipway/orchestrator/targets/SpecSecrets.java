package dev.slipway.orchestrator.targets;

import dev.slipway.proto.v1.BackupItem;
import dev.slipway.proto.v1.TargetSpec;
import java.util.Set;
import java.util.TreeSet;

/** The secret names a target spec references: the only ones its deployments may be given. */
public final class SpecSecrets {
  private SpecSecrets() {}

  public static Set<String> referencedBy(TargetSpec spec) {
    Set<String> names = new TreeSet<>();
    names.addAll(spec.getDeploy().getSecretEnvMap().values());
    names.addAll(spec.getRollback().getSecretEnvMap().values());
    for (BackupItem item : spec.getBackup().getItemsList()) {
      if (!item.getPasswordSecret().isEmpty()) {
        names.add(item.getPasswordSecret());
      }
    }
    return names;
  }
}
