package dev.slipway.orchestrator.targets;

import dev.slipway.proto.v1.BackupItem;
import dev.slipway.proto.v1.HealthCheck;
import dev.slipway.proto.v1.TargetSpec;
import java.util.ArrayList;
import java.util.List;
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
    List<HealthCheck> checks = new ArrayList<>(spec.getHealth().getChecksList());
    checks.addAll(spec.getPreflight().getChecksList());
    checks.addAll(spec.getWatch().getChecksList());
    for (HealthCheck check : checks) {
      names.addAll(check.getSecretHeadersMap().values());
      if (!check.getPasswordSecret().isEmpty()) {
        names.add(check.getPasswordSecret());
      }
    }
    return names;
  }
}
