package dev.slipway.devstack;

/** The four Slipway services, each a Micronaut application in its own module. */
public enum Service {
  ORCHESTRATOR(
      "orchestrator",
      "dev.slipway.orchestrator.OrchestratorApplication",
      "SLIPWAY_ORCHESTRATOR_PORT"),
  BACKUP("backup-service", "dev.slipway.backup.BackupApplication", "SLIPWAY_BACKUP_PORT"),
  HEALTH("health-service", "dev.slipway.health.HealthApplication", "SLIPWAY_HEALTH_PORT"),
  NOTIFIER("notifier-service", "dev.slipway.notifier.NotifierApplication", "SLIPWAY_NOTIFIER_PORT");

  private final String module;
  private final String mainClass;
  private final String portVariable;

  Service(String module, String mainClass, String portVariable) {
    this.module = module;
    this.mainClass = mainClass;
    this.portVariable = portVariable;
  }

  public String module() {
    return module;
  }

  public String mainClass() {
    return mainClass;
  }

  /** The environment variable that sets the service's gRPC port. */
  public String portVariable() {
    return portVariable;
  }
}
