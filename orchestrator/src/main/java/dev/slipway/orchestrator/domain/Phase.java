package dev.slipway.orchestrator.domain;

/** A step of a deployment, and who performs it. */
public enum Phase {
  /** Checks that must pass before anything changes. */
  PREFLIGHT(Worker.HEALTH_SERVICE),
  /** Backup of what the release could damage. */
  BACKUP(Worker.BACKUP_SERVICE),
  /** The deploy command. */
  DEPLOY(Worker.ORCHESTRATOR),
  /** Health checks after the deploy. */
  VERIFY(Worker.HEALTH_SERVICE),
  /** Blue-green: the switch command moves traffic to the new slot. */
  SWITCH(Worker.ORCHESTRATOR),
  /** Blue-green: health checks again once traffic is on the new slot. */
  VERIFY_LIVE(Worker.HEALTH_SERVICE),
  /** Canary: the setWeight command sends a step's share of traffic to the new version. */
  WEIGHT(Worker.ORCHESTRATOR),
  /** Canary: health checks for a step's pause, at its weight. */
  ANALYSIS(Worker.HEALTH_SERVICE),
  /** Health checks kept running for a while after VERIFY passed, before the release counts. */
  BAKE(Worker.HEALTH_SERVICE),
  /** Backup of the state the failed release left, taken before it is overwritten. */
  SNAPSHOT(Worker.BACKUP_SERVICE),
  /** Restore of the pre-deploy backup. */
  RESTORE(Worker.BACKUP_SERVICE),
  /** The rollback command, back to the previous version. */
  REVERT(Worker.ORCHESTRATOR),
  /** Health checks after the revert. */
  VERIFY_ROLLBACK(Worker.HEALTH_SERVICE);

  /** Who runs a phase. */
  public enum Worker {
    ORCHESTRATOR("orchestrator"),
    HEALTH_SERVICE("health-service"),
    BACKUP_SERVICE("backup-service");

    private final String serviceName;

    Worker(String serviceName) {
      this.serviceName = serviceName;
    }

    /** The service's name, which is also the name of its token. */
    public String serviceName() {
      return serviceName;
    }
  }

  private final Worker worker;

  Phase(Worker worker) {
    this.worker = worker;
  }

  public Worker worker() {
    return worker;
  }

  /** True when the orchestrator runs the phase itself, in process. */
  public boolean runsLocally() {
    return worker == Worker.ORCHESTRATOR;
  }

  /** True for the phases a canary runs once per step. */
  public boolean perStep() {
    return this == WEIGHT || this == ANALYSIS;
  }
}
