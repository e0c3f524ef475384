package dev.slipway.backup;

import dev.slipway.platform.grpc.OrchestratorClient;
import dev.slipway.platform.process.StopSignal;
import dev.slipway.platform.worker.PhaseJob;
import dev.slipway.proto.internal.v1.ReportProgressRequest;
import io.micronaut.context.annotation.Value;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the orchestrator how far a long backup or restore has come: every interval, the size of the
 * file the running step writes or reads. One ticker thread for every job; a report that is lost is
 * made again at the next tick.
 */
@Singleton
public class ProgressReports {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReports.class);
  private final OrchestratorClient orchestrator;
  private final Duration interval;
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("progress-reports").daemon().factory());

  public ProgressReports(
      OrchestratorClient orchestrator,
      @Value("${slipway.backup.progress-interval:10s}") Duration interval) {
    this.orchestrator = orchestrator;
    this.interval = interval;
  }

  /**
   * Reports for {@code job} from one interval on, until the tracker is closed; never, when the
   * interval is zero or the service is stopping. A job never fails for its progress.
   */
  public Tracker start(PhaseJob job, StopSignal stop) {
    Tracker tracker = new Tracker(job, stop);
    if (interval.isPositive()) {
      try {
        tracker.ticking =
            ticker.scheduleAtFixedRate(
                tracker::report, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        LOG.debug("no progress for {}: the service is stopping", job);
      }
    }
    return tracker;
  }

  /** The step of one job that is under way now. */
  public final class Tracker implements AutoCloseable {
    private final PhaseJob job;
    private final StopSignal stop;
    private volatile String step = "";
    private volatile Path file;
    private ScheduledFuture<?> ticking;

    private Tracker(PhaseJob job, StopSignal stop) {
      this.job = job;
      this.stop = stop;
    }

    /** From now on, {@code step} is under way and its size is that of {@code file}. */
    public void watch(String step, Path file) {
      this.step = step;
      this.file = file;
    }

    private void report() {
      Path watched = file;
      // A job that lost its lease or passed its deadline is no longer this replica's to tell.
      if (watched == null || stop.stopped()) {
        return;
      }
      long bytes;
      try {
        bytes = Files.exists(watched) ? Files.size(watched) : 0;
      } catch (IOException e) {
        return;
      }
      try {
        orchestrator.progress(
            ReportProgressRequest.newBuilder()
                .setDeploymentId(job.deploymentId().toString())
                .setPhase(job.phase())
                .setAttempt(job.attempt())
                .setDetail(step + ": " + human(bytes))
                .setBytes(bytes)
                .build());
      } catch (RuntimeException e) {
        LOG.debug("progress of {} not told: {}", job, e.getMessage());
      }
    }

    @Override
    public void close() {
      if (ticking != null) {
        ticking.cancel(false);
      }
    }
  }

  static String human(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  @PreDestroy
  void close() {
    ticker.shutdownNow();
  }
}
