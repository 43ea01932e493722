package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@link GitHubActions} over GitHub's REST API ({@code autorunner.github.api-url}, so GitHub
 * Enterprise Server works too): runner calls go to {@link GitHubRunners}, run and job calls to
 * {@link GitHubWorkflowJobs}, both over one {@link GitHubHttp}. The bearer token comes from {@link
 * GitHubCredentials} per job, the runner group from a {@link RunnerGroupSource} ({@link
 * RunnerGroups} verifies it admits only the allow-lists).
 */
public final class GitHubRunnerClient implements GitHubActions {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = GitHubHttp.DEFAULT_CONNECT_TIMEOUT;
  public static final Duration DEFAULT_READ_TIMEOUT = GitHubHttp.DEFAULT_READ_TIMEOUT;

  /**
   * How long after minting a runner another attempt may still be booting a VM with it; longer than
   * the reconciler's boot timeout (10 minutes by default).
   */
  public static final Duration DEFAULT_MINT_WINDOW = Duration.ofMinutes(15);

  private final GitHubRunners runners;
  private final GitHubWorkflowJobs jobs;

  /**
   * A client with its own HTTP connection pool and cache, one fixed runner group and the default
   * mint window.
   *
   * @param apiUrl the REST API root, e.g. {@code https://api.github.com} or {@code
   *     https://HOST/api/v3}
   * @param runnerGroupId the runner group JIT runners join
   */
  public GitHubRunnerClient(
      URI apiUrl,
      long runnerGroupId,
      GitHubCredentials credentials,
      Duration connectTimeout,
      Duration readTimeout) {
    this(
        new GitHubHttp(apiUrl, connectTimeout, readTimeout, GitHubHttp.DEFAULT_CACHE_BYTES),
        credentials,
        RunnerGroupSource.fixed(runnerGroupId),
        Clock.systemUTC(),
        DEFAULT_MINT_WINDOW);
  }

  /**
   * @param http the process's GitHub HTTP client, shared with the other GitHub clients
   * @param groups the runner group each JIT runner joins: {@link RunnerGroups} for groups that
   *     admit exactly the allow-lists, or {@link RunnerGroupSource#fixed(long)}
   * @param clock stamps the minted label of new runners
   * @param mintWindow a runner holding a wanted name is removed only when minted longer ago than
   *     this (an attempt may still be booting with a younger one); see {@link #DEFAULT_MINT_WINDOW}
   */
  public GitHubRunnerClient(
      GitHubHttp http,
      GitHubCredentials credentials,
      RunnerGroupSource groups,
      Clock clock,
      Duration mintWindow) {
    this.runners = new GitHubRunners(http, credentials, groups, clock, mintWindow);
    this.jobs = new GitHubWorkflowJobs(http, credentials);
  }

  @Override
  public JitRunner createJitRunner(RepositoryScope scope, String runnerName, List<String> labels) {
    return runners.createJitRunner(scope, runnerName, labels);
  }

  @Override
  public Optional<GitHubRunner> findRunner(RepositoryScope scope, String runnerName) {
    return runners.findRunner(scope, runnerName);
  }

  @Override
  public List<GitHubRunner> listRunners(RepositoryScope scope) {
    return runners.listRunners(scope);
  }

  @Override
  public boolean deleteRunner(RepositoryScope scope, long runnerId) {
    return runners.deleteRunner(scope, runnerId);
  }

  @Override
  public Optional<JobStatus> job(JobRef job) {
    return jobs.job(job);
  }

  @Override
  public int runAttempt(JobRef job) {
    return jobs.runAttempt(job);
  }

  @Override
  public List<QueuedJob> queuedJobs(RepositoryScope repository) {
    return jobs.queuedJobs(repository);
  }

  @Override
  public List<JobStatus> attemptJobs(JobRef job, int attempt) {
    return jobs.attemptJobs(job, attempt);
  }

  @Override
  public void rerunJob(JobRef job) {
    jobs.rerunJob(job);
  }
}
