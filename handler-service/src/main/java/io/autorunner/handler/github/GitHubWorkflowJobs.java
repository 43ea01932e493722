package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import org.springframework.http.HttpMethod;

/**
 * GitHub's workflow run and job endpoints, always under the job's repository: a job's status, its
 * run's latest attempt and the jobs of an earlier one, the queued jobs of a repository, and
 * re-runs.
 */
final class GitHubWorkflowJobs {

  /** Pages of 100 runs listed per status in one sweep. */
  private static final int RUN_PAGES = 5;

  /**
   * Runs whose jobs one sweep lists, oldest first: the ones waiting longest matter most, and the
   * bound keeps a sweep every few minutes within GitHub's hourly rate limit.
   */
  private static final int RUNS_PER_SWEEP = 100;

  /** A matrix run is in progress while some of its jobs still queue. */
  private static final List<JobState> RUNS_WITH_QUEUED_JOBS =
      List.of(JobState.QUEUED, JobState.IN_PROGRESS);

  private static final int PAGE_SIZE = GitHubHttp.PAGE_SIZE;
  private static final int NOT_FOUND = 404;

  private final GitHubHttp http;
  private final JobUris uris;
  private final GitHubCredentials credentials;

  GitHubWorkflowJobs(GitHubHttp http, GitHubCredentials credentials) {
    this.http = Objects.requireNonNull(http, "http");
    this.uris = new JobUris(http);
    this.credentials = Objects.requireNonNull(credentials, "credentials");
  }

  /** See {@link WorkflowJobs#job(JobRef)}. */
  Optional<JobStatus> job(JobRef job) {
    GitHubHttp.Answer answer =
        http.get(
            "get job " + job.jobId(),
            credentials.token(job),
            uris.repository(job, "/actions/jobs/{id}", job.jobId()),
            NOT_FOUND);
    if (answer.status() == NOT_FOUND) {
      return Optional.empty();
    }
    return Optional.of(answer.as(WorkflowJobJson.class).toStatus());
  }

  /** See {@link WorkflowJobs#runAttempt(JobRef)}. */
  int runAttempt(JobRef job) {
    WorkflowRunJson run =
        http.getConditional(
                "get run " + job.runId(),
                credentials.token(job),
                uris.repository(job, "/actions/runs/{run}", job.runId()),
                "")
            .as(WorkflowRunJson.class);
    if (run.runAttempt() == null || run.runAttempt() < 1) {
      throw new GitHubException.Transient(
          "get run " + job.runId() + ": GitHub answered without a run attempt", null);
    }
    return run.runAttempt();
  }

  /** See {@link WorkflowJobs#queuedJobs(RepositoryScope)}. */
  List<QueuedJob> queuedJobs(RepositoryScope repository) {
    String token = credentials.token(repository);
    List<QueuedJob> queued = new ArrayList<>();
    // Run ids grow with time: the lowest are the oldest.
    for (long runId :
        runsWithQueuedJobs(repository, token).stream().limit(RUNS_PER_SWEEP).toList()) {
      for (WorkflowJobJson job : jobsOfRun(repository, token, runId)) {
        if (job.state() == JobState.QUEUED) {
          queued.add(job.toQueuedJob(repository, runId));
        }
      }
    }
    return List.copyOf(queued);
  }

  /** The ids of the repository's queued and in-progress runs, lowest first. */
  private SortedSet<Long> runsWithQueuedJobs(RepositoryScope repository, String token) {
    SortedSet<Long> runIds = new TreeSet<>();
    for (JobState status : RUNS_WITH_QUEUED_JOBS) {
      // Conditional: between sweeps these listings rarely change, and a 304 costs no rate limit.
      http.pages(
              "list " + status.wire() + " runs of " + repository.repository(),
              token,
              "",
              page ->
                  uris.repository(
                      repository,
                      "/actions/runs?status={status}&per_page={size}&page={page}",
                      status.wire(),
                      PAGE_SIZE,
                      page),
              answer -> answer.as(WorkflowRunJson.Page.class).workflowRuns(),
              RUN_PAGES)
          .forEach(run -> runIds.add(run.id()));
    }
    return runIds;
  }

  private List<WorkflowJobJson> jobsOfRun(RepositoryScope repository, String token, long runId) {
    return http.getConditional(
            "list jobs of run " + runId,
            token,
            uris.repository(
                repository, "/actions/runs/{run}/jobs?per_page={size}", runId, PAGE_SIZE),
            "")
        .as(WorkflowJobJson.Page.class)
        .jobsOrNone();
  }

  /** See {@link WorkflowJobs#attemptJobs(JobRef, int)}. */
  List<JobStatus> attemptJobs(JobRef job, int attempt) {
    return http
        .get(
            "list jobs of attempt " + attempt + " of run " + job.runId(),
            credentials.token(job),
            uris.repository(
                job,
                "/actions/runs/{run}/attempts/{attempt}/jobs?per_page={size}",
                job.runId(),
                attempt,
                PAGE_SIZE))
        .as(WorkflowJobJson.Page.class)
        .jobsOrNone()
        .stream()
        .map(WorkflowJobJson::toStatus)
        .toList();
  }

  /** See {@link WorkflowJobs#rerunJob(JobRef)}. */
  void rerunJob(JobRef job) {
    http.send(
        HttpMethod.POST,
        "re-run job " + job.jobId(),
        credentials.token(job),
        uris.repository(job, "/actions/jobs/{id}/rerun", job.jobId()),
        null);
  }
}
