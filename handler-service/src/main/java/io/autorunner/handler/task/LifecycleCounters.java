package io.autorunner.handler.task;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of what this handler instance did since it started, for {@code GET /stats} and the log;
 * preemptions are the ones people ask about, since GitHub shows them only as a failed job.
 */
public final class LifecycleCounters {

  private final AtomicLong vmsCreated = new AtomicLong();
  private final AtomicLong vmsDeleted = new AtomicLong();
  private final AtomicLong preemptions = new AtomicLong();
  private final AtomicLong reruns = new AtomicLong();
  private final AtomicLong standardAfterPreemption = new AtomicLong();

  void created() {
    vmsCreated.incrementAndGet();
  }

  void deleted() {
    vmsDeleted.incrementAndGet();
  }

  void preempted() {
    preemptions.incrementAndGet();
  }

  void rerun() {
    reruns.incrementAndGet();
  }

  void standardAfterPreemption() {
    standardAfterPreemption.incrementAndGet();
  }

  public long preemptions() {
    return preemptions.get();
  }

  public long reruns() {
    return reruns.get();
  }

  public Map<String, Long> snapshot() {
    return Map.of(
        "vmsCreated", vmsCreated.get(),
        "vmsDeleted", vmsDeleted.get(),
        "preemptions", preemptions.get(),
        "reruns", reruns.get(),
        "standardAfterPreemption", standardAfterPreemption.get());
  }
}
