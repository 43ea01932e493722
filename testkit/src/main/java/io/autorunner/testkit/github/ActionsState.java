package io.autorunner.testkit.github;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * What the fake's Actions hold: every job attempt and the registered runners, their ids, and counts
 * of what happened. The fake's one lock is {@link #lock}: the maps, and the state of the other
 * parts (repositories, runner groups), are guarded by it.
 */
final class ActionsState {

  final Object lock = new Object();

  // Guarded by lock, in the order they were made.
  final Map<Long, JobState> jobs = new LinkedHashMap<>();
  final Map<Long, RunnerState> runners = new LinkedHashMap<>();

  private final AtomicLong jobIds = new AtomicLong(30_000_000_000L);
  private final AtomicLong runIds = new AtomicLong(10_000_000_000L);
  private final AtomicLong runnerIds = new AtomicLong(1000);
  final AtomicInteger refusedBoots = new AtomicInteger();

  /** VMs the handler refused a runner config (the fake VM's script then powers off). */
  final AtomicInteger refusedHandouts = new AtomicInteger();

  /** Every encoded JIT config handed out, so tests can look for them where secrets must not be. */
  final List<String> issuedConfigs = new java.util.concurrent.CopyOnWriteArrayList<>();

  final AtomicInteger reruns = new AtomicInteger();

  long nextJobId() {
    return jobIds.incrementAndGet();
  }

  long nextRunId() {
    return runIds.incrementAndGet();
  }

  long nextRunnerId() {
    return runnerIds.incrementAndGet();
  }

  /** Adds a job attempt. Callers hold the lock. */
  JobState add(JobState job) {
    jobs.put(job.id, job);
    return job;
  }

  /** Queued jobs, oldest first (the order GitHub serves them). Callers hold the lock. */
  List<JobState> queuedOldestFirst() {
    return jobs.values().stream()
        .filter(j -> "queued".equals(j.status))
        .sorted(Comparator.comparing((JobState j) -> j.createdAt).thenComparing(j -> j.id))
        .toList();
  }

  /** The job of that id in {@code owner/name}, or null. Callers hold the lock. */
  JobState jobOf(String repository, long id) {
    JobState job = jobs.get(id);
    return job == null || !job.repository.equalsIgnoreCase(repository) ? null : job;
  }

  Optional<Job> jobSnapshot(long id) {
    synchronized (lock) {
      return Optional.ofNullable(jobs.get(id)).map(JobState::snapshot);
    }
  }

  List<Job> jobSnapshots() {
    synchronized (lock) {
      return jobs.values().stream().map(JobState::snapshot).toList();
    }
  }

  Map<String, Long> jobCounts() {
    synchronized (lock) {
      return jobs.values().stream()
          .collect(
              Collectors.groupingBy(
                  j -> j.conclusion == null ? j.status : j.status + "/" + j.conclusion,
                  TreeMap::new,
                  Collectors.counting()));
    }
  }

  List<Runner> runnerSnapshots() {
    synchronized (lock) {
      return runners.values().stream().map(RunnerState::snapshot).toList();
    }
  }
}
