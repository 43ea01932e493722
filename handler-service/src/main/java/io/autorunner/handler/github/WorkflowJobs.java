package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import java.util.List;
import java.util.Optional;

/** The workflow jobs and runs GitHub knows: what became of a job, and asking for it again. */
public interface WorkflowJobs {

  /** The job as GitHub sees it now. */
  Optional<JobStatus> job(JobRef job);

  /**
   * Asks GitHub to run the job again (a new attempt of the same job), e.g. when its runner vanished
   * before finishing it.
   */
  void rerunJob(JobRef job);

  /**
   * Jobs of {@code repository} that GitHub still holds as queued, from its queued and in-progress
   * runs (a matrix run is in progress while some of its jobs still queue). Bounded: the most recent
   * runs only.
   */
  List<QueuedJob> queuedJobs(RepositoryScope repository);

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
