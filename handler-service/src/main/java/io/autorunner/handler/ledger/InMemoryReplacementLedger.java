package io.autorunner.handler.ledger;

import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ledger in this process's memory: for unit tests and a single local process only, since it is
 * lost on restart and not seen by other instances.
 */
public final class InMemoryReplacementLedger implements ReplacementLedger {

  /** One job's names; guarded by its own monitor, so jobs do not wait on each other. */
  private static final class Entry {
    final Set<String> spent = new HashSet<>();
    final Set<String> refunded = new HashSet<>();
  }

  private final Map<Long, Entry> jobs = new ConcurrentHashMap<>();

  @Override
  public void spent(long jobId, String vmName) {
    Objects.requireNonNull(vmName, "vmName");
    Entry entry = jobs.computeIfAbsent(jobId, id -> new Entry());
    synchronized (entry) {
      entry.spent.add(vmName);
    }
  }

  @Override
  public void refund(long jobId, String vmName) {
    Objects.requireNonNull(vmName, "vmName");
    Entry entry = jobs.computeIfAbsent(jobId, id -> new Entry());
    synchronized (entry) {
      entry.refunded.add(vmName);
    }
  }

  @Override
  public JobReplacements of(long jobId) {
    Entry entry = jobs.get(jobId);
    if (entry == null) {
      return JobReplacements.none();
    }
    synchronized (entry) {
      return JobReplacements.from(entry.spent, entry.refunded);
    }
  }
}
