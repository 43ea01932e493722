package io.autorunner.handler.reconcile;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many replacement VMs a job may still get. The bound is against a broken job making VMs
 * without end, so only replacements that came to nothing count: when a VM made for a job ran
 * another job instead (GitHub gave its runner to an older queued job), that VM was useful, and the
 * job gets its allowance back. Replacement names are never reused, so a late delete of an earlier
 * VM cannot hit a new one of the same name. In memory, per handler instance.
 */
public class ReplacementBudget {

  private final Map<Long, Integer> outstanding = new ConcurrentHashMap<>();
  private final Set<String> usedNames = ConcurrentHashMap.newKeySet();

  boolean allows(long jobId, int max) {
    return outstanding.getOrDefault(jobId, 0) < max;
  }

  void spent(long jobId, String name) {
    outstanding.merge(jobId, 1, Integer::sum);
    usedNames.add(name);
  }

  /** A VM name of the job that must not be made again (its VM served, or serves, another job). */
  void retire(String name) {
    usedNames.add(name);
  }

  boolean used(String name) {
    return usedNames.contains(name);
  }

  /** A VM made for {@code jobId} ran another job: it was not wasted. */
  public void servedAnotherJob(long jobId) {
    outstanding.computeIfPresent(jobId, (id, n) -> n > 1 ? n - 1 : null);
  }
}
