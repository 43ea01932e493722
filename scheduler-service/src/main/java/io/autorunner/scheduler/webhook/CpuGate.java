package io.autorunner.scheduler.webhook;

import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/**
 * Lets a few deliveries at a time do the webhook's CPU work (signature, parsing, routing), in
 * arrival order; the others wait parked, and none waits here on the network: the body is read
 * before and the queue is called after. The server serves each delivery in flight on a thread of
 * its own ({@code server.threads}), so the queue's latency (tens of milliseconds to Cloud Tasks)
 * never limits how many deliveries are in flight; but fifty threads computing at once on one or two
 * cores share them out evenly, which makes every answer as late as the last one and starves the
 * JIT's compiler thread while a new instance's burst runs interpreted. Measured with
 * bench/frontdoor.sh on 2 cores: see the README's <i>The front door</i>.
 */
public final class CpuGate {

  private final Semaphore permits;

  /**
   * @param permits how many deliveries may compute at once; at least one
   */
  public CpuGate(int permits) {
    if (permits < 1) {
      throw new IllegalArgumentException("permits must be at least 1, was " + permits);
    }
    this.permits = new Semaphore(permits, true);
  }

  /** Runs {@code work} once a permit is free. */
  <T> T through(Supplier<T> work) {
    permits.acquireUninterruptibly();
    try {
      return work.get();
    } finally {
      permits.release();
    }
  }
}
