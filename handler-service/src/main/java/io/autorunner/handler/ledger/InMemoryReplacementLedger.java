package io.autorunner.handler.ledger;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The ledger of one process: unit tests and a single local handler. */
public final class InMemoryReplacementLedger implements ReplacementLedger {

  private final Map<Long, Entry> jobs = new ConcurrentHashMap<>();

  @Override
  public void spent(long jobId, String vmName) {
    jobs.compute(jobId, (id, e) -> (e == null ? Entry.EMPTY : e).spend(vmName));
  }

  @Override
  public void refund(long jobId, String vmName) {
    jobs.computeIfPresent(jobId, (id, e) -> e.refund(vmName));
  }

  @Override
  public JobReplacements of(long jobId) {
    Entry e = jobs.get(jobId);
    return e == null ? JobReplacements.none() : e.view();
  }

  private record Entry(Set<String> spent, Set<String> refunded) {
    static final Entry EMPTY = new Entry(Set.of(), Set.of());

    Entry spend(String name) {
      Set<String> next = new HashSet<>(spent);
      next.add(name);
      return new Entry(Set.copyOf(next), refunded);
    }

    Entry refund(String name) {
      if (!spent.contains(name)) {
        return this;
      }
      Set<String> next = new HashSet<>(refunded);
      next.add(name);
      return new Entry(spent, Set.copyOf(next));
    }

    JobReplacements view() {
      return new JobReplacements(spent, spent.size() - refunded.size());
    }
  }
}
