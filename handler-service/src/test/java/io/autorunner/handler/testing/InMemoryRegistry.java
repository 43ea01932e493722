package io.autorunner.handler.testing;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JitRunner;
import io.autorunner.handler.github.JobStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The GitHub port as a map of runners by name. A job is known when {@link #jobs} has it, or when it
 * is {@link #queued}; any other job GitHub does not know.
 */
public final class InMemoryRegistry implements GitHubActions {

  /**
   * The encoded JIT config every minted runner gets: a secret, to look for where it must not be.
   */
  public static final String JIT_CONFIG = "ZW5jb2RlZC1qaXQtY29uZmln";

  public final Map<String, GitHubRunner> runners = new LinkedHashMap<>();
  public final List<Long> deletedIds = new ArrayList<>();
  public final List<Long> reruns = new ArrayList<>();
  public final Map<Long, JobStatus> jobs = new LinkedHashMap<>();
  public final List<io.autorunner.handler.github.QueuedJob> queued = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong(100);
  public GitHubException failJit;
  public GitHubException failJob;

  /** Every runner minted, in order, whatever became of it. */
  public final List<JitRunner> minted = new ArrayList<>();

  /** Stamps each runner's minted-at label, as the real client does. */
  public java.time.Clock clock = java.time.Clock.systemUTC();

  @Override
  public JitRunner createJitRunner(RepositoryScope scope, String runnerName, List<String> labels) {
    if (failJit != null) {
      throw failJit;
    }
    long id = ids.incrementAndGet();
    List<String> withMinted = new ArrayList<>(labels);
    withMinted.removeIf(l -> l.startsWith("autorunner-minted-"));
    withMinted.add("autorunner-minted-" + clock.instant().getEpochSecond());
    runners.put(runnerName, new GitHubRunner(id, runnerName, "offline", false, withMinted));
    JitRunner runner = new JitRunner(id, runnerName, JIT_CONFIG);
    minted.add(runner);
    return runner;
  }

  @Override
  public Optional<GitHubRunner> findRunner(RepositoryScope scope, String runnerName) {
    return Optional.ofNullable(runners.get(runnerName));
  }

  @Override
  public boolean deleteRunner(RepositoryScope scope, long runnerId) {
    if (runners.values().stream().anyMatch(r -> r.id() == runnerId && r.busy())) {
      // As GitHub answers: 422, the runner is still running a job.
      throw new GitHubException.Permanent("runner " + runnerId + " is still running a job", null);
    }
    deletedIds.add(runnerId);
    return runners.values().removeIf(r -> r.id() == runnerId);
  }

  @Override
  public Optional<JobStatus> job(JobRef job) {
    if (failJob != null) {
      throw failJob;
    }
    if (jobs.containsKey(job.jobId())) {
      return Optional.of(jobs.get(job.jobId()));
    }
    return queued.stream()
        .filter(q -> q.job().jobId() == job.jobId())
        .findFirst()
        .map(q -> new JobStatus(q.job().jobId(), "queued", null, null));
  }

  /** GitHub knows the job, and it waits for a runner. */
  public void knowsQueued(long jobId) {
    jobs.put(jobId, new JobStatus(jobId, "queued", null, null));
  }

  /** The latest attempt of each run, by run id; a re-run moves it on. */
  public final Map<Long, Integer> runAttempts = new LinkedHashMap<>();

  @Override
  public void rerunJob(JobRef job) {
    reruns.add(job.jobId());
    runAttempts.merge(job.runId(), job.runAttempt() + 1, Math::max);
  }

  @Override
  public int runAttempt(JobRef job) {
    return runAttempts.getOrDefault(job.runId(), job.runAttempt());
  }

  @Override
  public List<GitHubRunner> listRunners(RepositoryScope scope) {
    return List.copyOf(runners.values());
  }

  @Override
  public List<io.autorunner.handler.github.QueuedJob> queuedJobs(RepositoryScope repository) {
    return queued.stream()
        .filter(q -> q.job().repository().equalsIgnoreCase(repository.repository()))
        .toList();
  }

  public final Map<String, List<JobStatus>> attempts = new LinkedHashMap<>();

  @Override
  public List<JobStatus> attemptJobs(JobRef job, int attempt) {
    return attempts.getOrDefault(job.runId() + "/" + attempt, List.of());
  }

  /** The runner's process connected: online and idle. */
  public void markOnline(String name) {
    GitHubRunner r = runners.get(name);
    runners.put(name, new GitHubRunner(r.id(), name, "online", false, r.labels()));
  }

  public void markBusy(String name) {
    GitHubRunner r = runners.get(name);
    runners.put(name, new GitHubRunner(r.id(), name, "online", true, r.labels()));
  }
}
