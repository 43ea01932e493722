package io.autorunner.handler.reconcile;

import io.autorunner.common.task.JobRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Repositories that had jobs lately, remembered from the tasks this handler served: where the
 * reconciler looks for jobs nobody serves. In memory: a restart forgets, and the VMs' own
 * repositories and the configured list still get swept.
 */
public class RecentRepositories {

  private static final Duration REMEMBERED = Duration.ofHours(24);
  private static final int MAX = 1000;

  private final Clock clock;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  public RecentRepositories(Clock clock) {
    this.clock = clock;
  }

  public void saw(JobRef job) {
    if (seen.size() >= MAX) {
      forgetOld();
    }
    seen.put(job.repository().toLowerCase(java.util.Locale.ROOT), new Seen(job, clock.instant()));
  }

  /** One job of each repository seen within the last day: enough to reach it on GitHub. */
  public List<JobRef> recent() {
    forgetOld();
    return seen.values().stream().map(Seen::job).toList();
  }

  private void forgetOld() {
    Instant cutoff = clock.instant().minus(REMEMBERED);
    seen.values().removeIf(s -> s.at().isBefore(cutoff));
  }

  private record Seen(JobRef job, Instant at) {}
}
