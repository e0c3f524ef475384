package dev.slipway.platform.spec;

import dev.slipway.proto.v1.HealthCheck;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ${slot}} in a blue-green target's checks and {@code ${instance}} in a rolling target's
 * (name, url, address, service, command): the orchestrator validates a check with them put in, the
 * health-service runs it with the slot of the phase or the one serving, once per instance.
 */
public final class CheckPlaceholders {
  public static final String SLOT = "${slot}";
  public static final String INSTANCE = "${instance}";

  private CheckPlaceholders() {}

  /** The check with {@code slot} put in for {@code ${slot}}. */
  public static HealthCheck withSlot(HealthCheck check, String slot) {
    return filled(check, SLOT, slot);
  }

  /**
   * The checks of a phase that works on {@code instances}: a check naming {@code ${instance}} once
   * per instance (named after it), any other once.
   */
  public static List<HealthCheck> perInstance(List<HealthCheck> checks, List<String> instances) {
    List<HealthCheck> all = new ArrayList<>();
    for (HealthCheck check : checks) {
      if (!uses(check, INSTANCE)) {
        all.add(check);
        continue;
      }
      for (String instance : instances) {
        HealthCheck one = filled(check, INSTANCE, instance);
        all.add(
            check.getName().contains(INSTANCE)
                ? one
                : one.toBuilder().setName(nameOf(check) + "@" + instance).build());
      }
    }
    return all;
  }

  /** Whether a check names {@code placeholder} anywhere it may. */
  public static boolean uses(HealthCheck check, String placeholder) {
    return !filled(check, placeholder, "").equals(check);
  }

  private static String nameOf(HealthCheck check) {
    return check.getName().isEmpty() ? check.getType() : check.getName();
  }

  private static HealthCheck filled(HealthCheck check, String placeholder, String value) {
    HealthCheck.Builder filled =
        check.toBuilder()
            .setName(check.getName().replace(placeholder, value))
            .setUrl(check.getUrl().replace(placeholder, value))
            .setAddress(check.getAddress().replace(placeholder, value))
            .setService(check.getService().replace(placeholder, value))
            .clearCommand();
    check.getCommandList().forEach(arg -> filled.addCommand(arg.replace(placeholder, value)));
    return filled.build();
  }
}
