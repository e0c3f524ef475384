package dev.slipway.platform.spec;

import dev.slipway.proto.v1.HealthCheck;

/**
 * {@code ${slot}} in a blue-green target's checks (name, url, address, service, command): the
 * orchestrator validates a check with a slot put in, the health-service runs it with the slot of
 * the phase or the one serving.
 */
public final class SlotPlaceholder {
  public static final String PLACEHOLDER = "${slot}";

  private SlotPlaceholder() {}

  public static HealthCheck in(HealthCheck check, String slot) {
    HealthCheck.Builder filled =
        check.toBuilder()
            .setName(check.getName().replace(PLACEHOLDER, slot))
            .setUrl(check.getUrl().replace(PLACEHOLDER, slot))
            .setAddress(check.getAddress().replace(PLACEHOLDER, slot))
            .setService(check.getService().replace(PLACEHOLDER, slot))
            .clearCommand();
    check.getCommandList().forEach(arg -> filled.addCommand(arg.replace(PLACEHOLDER, slot)));
    return filled.build();
  }

  /** Whether a check names the slot anywhere it may. */
  public static boolean usedIn(HealthCheck check) {
    return !in(check, "").equals(check);
  }
}
