package dev.slipway.platform.worker;

/** Where a phase job stands in {@code phase_jobs}; the first two are unfinished, the rest final. */
public enum JobStatus {
  /** Leased and running, or waiting for a replica to take it over. */
  RUNNING,
  /**
   * Its verdict is stored and being reported: a replica that takes it over reports it, never
   * reruns.
   */
  REPORTING,
  /** Reported: the phase succeeded. */
  SUCCEEDED,
  /** Reported: the phase failed. */
  FAILED,
  /** Reported: the worker could not run the phase. */
  ERRORED,
  /** Reported: a canary's analysis had no data to judge. */
  NO_DATA,
  /** Never run: its deadline had passed. */
  EXPIRED,
  /** Never run: the deployment had moved on to another phase or attempt. */
  SUPERSEDED,
  /** Stopped when its lease was lost; nothing reported. */
  STOPPED
}
