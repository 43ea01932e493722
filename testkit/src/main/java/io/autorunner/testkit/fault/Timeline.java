package io.autorunner.testkit.fault;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs what a fake does by itself (a VM reaching RUNNING, a job finishing) after its delay, one
 * thing at a time on one daemon thread, never on a thread serving a request.
 */
public final class Timeline implements AutoCloseable {

  private final ScheduledExecutorService clock;

  public Timeline(String threadName) {
    this.clock =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  public void after(Duration delay, Runnable action) {
    clock.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  public void after(Delay delay, Runnable action) {
    after(delay.get(), action);
  }

  /** As soon as the thread is free, after what is due before. */
  public void soon(Runnable action) {
    clock.execute(action);
  }

  @Override
  public void close() {
    clock.shutdownNow();
  }
}
