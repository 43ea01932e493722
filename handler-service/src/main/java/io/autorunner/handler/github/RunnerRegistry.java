package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import java.util.List;
import java.util.Optional;

/**
 * The runners GitHub knows. Scope follows the job: organisation runners when the repository belongs
 * to an organisation, repository runners when it belongs to a user.
 */
public interface RunnerRegistry {

  /**
   * Registers a single-use runner and returns its JIT config. A runner of the same name left by an
   * earlier half-done attempt is removed first when it is not busy and was minted long enough ago
   * that no other attempt can still be booting with it.
   *
   * @throws GitHubException.Transient on 5xx, 429, secondary rate limits or timeouts, or when the
   *     name is held by a runner another attempt minted moments ago
   * @throws GitHubException.Permanent on what retrying cannot fix (no permission, bad request, or a
   *     busy runner holding the name)
   */
  JitRunner createJitRunner(JobRef job, String runnerName, List<String> labels);

  /** The runner of this name in the job's scope, if registered. */
  Optional<GitHubRunner> findRunner(JobRef job, String runnerName);

  /**
   * Removes a runner.
   *
   * @return false when it was already gone
   */
  boolean deleteRunner(JobRef job, long runnerId);

  /** The job as GitHub sees it now. */
  Optional<JobStatus> job(JobRef job);

  /**
   * Asks GitHub to run the job again (a new attempt of the same job), e.g. when its runner vanished
   * before finishing it.
   */
  void rerunJob(JobRef job);

  /** Every runner registered in the scope of {@code scope} (its organisation or repository). */
  List<GitHubRunner> listRunners(JobRef scope);

  /**
   * Jobs of the repository of {@code repository} that GitHub still holds as queued, from its queued
   * and in-progress runs (a matrix run is in progress while some of its jobs still queue). Bounded:
   * the most recent runs only.
   */
  List<QueuedJob> queuedJobs(JobRef repository);

  /** The jobs of one attempt of the job's run, to find what became of an earlier attempt. */
  List<JobStatus> attemptJobs(JobRef job, int attempt);

  /**
   * The latest attempt of the job's run as GitHub sees it now: greater than {@code
   * job.runAttempt()} once someone re-ran it, so the job of this attempt will never run again.
   *
   * @throws GitHubException.Permanent when the run is gone (404) or cannot be read
   * @throws GitHubException.Transient on 5xx, rate limits or timeouts
   */
  int runAttempt(JobRef job);
}
