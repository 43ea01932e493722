package io.autorunner.handler.reconcile;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the reconciler on a timer inside the handler, for places without Cloud Scheduler (the local
 * default, a single VM). On Cloud Run, Cloud Scheduler calls {@code /tasks/reconcile} instead: an
 * idle Cloud Run instance gets no CPU for timers.
 */
public final class PeriodicReconcile implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PeriodicReconcile.class);

  private final ScheduledExecutorService timer;

  /** With {@code every} null or zero the timer is off. */
  public PeriodicReconcile(Reconciler reconciler, Duration every) {
    if (every == null || every.isZero() || every.isNegative()) {
      this.timer = null;
      log.info("reconcile timer off: POST /tasks/reconcile runs the reconciler");
      return;
    }
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "periodic-reconcile");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            reconciler.reconcile();
          } catch (RuntimeException e) {
            // The next round tries again; one failure must not stop the timer.
            log.warn("periodic reconcile failed: {}", e.toString());
          }
        },
        every.toMillis(),
        every.toMillis(),
        TimeUnit.MILLISECONDS);
    log.info("reconciling every {}", every);
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
