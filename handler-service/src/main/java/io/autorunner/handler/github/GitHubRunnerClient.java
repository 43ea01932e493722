package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.autorunner.common.task.JobRef;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpMethod;

/**
 * {@link RunnerRegistry} over GitHub's REST API ({@code autorunner.github.api-url}, so GitHub
 * Enterprise Server works too). Runner calls go to the organisation when the job has one, else to
 * the repository; the bearer token comes from {@link GitHubCredentials} per job, the runner group
 * from a {@link RunnerGroupSource} ({@link RunnerGroups} verifies it admits only the allow-lists).
 */
public final class GitHubRunnerClient implements RunnerRegistry {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = GitHubHttp.DEFAULT_CONNECT_TIMEOUT;
  public static final Duration DEFAULT_READ_TIMEOUT = GitHubHttp.DEFAULT_READ_TIMEOUT;

  /**
   * How long after minting a runner another attempt may still be booting a VM with it; longer than
   * the reconciler's boot timeout (10 minutes by default).
   */
  public static final Duration DEFAULT_MINT_WINDOW = Duration.ofMinutes(15);

  /** Pages of 100 runs listed per status in one sweep. */
  private static final int RUN_PAGES = 5;

  /**
   * Runs whose jobs one sweep lists, oldest first: the ones waiting longest matter most, and the
   * bound keeps a sweep every few minutes within GitHub's hourly rate limit.
   */
  private static final int RUNS_PER_SWEEP = 100;

  private static final Logger log = LoggerFactory.getLogger(GitHubRunnerClient.class);
  private static final int PAGE_SIZE = GitHubHttp.PAGE_SIZE;
  // A guard against a server that never stops paging; 100 pages are 10,000 runners.
  private static final int MAX_PAGES = 100;
  private static final String WORK_FOLDER = "_work";
  private static final int CONFLICT = 409;
  private static final int NOT_FOUND = 404;

  private final GitHubHttp http;
  private final GitHubCredentials credentials;
  private final RunnerGroupSource groups;
  private final Clock clock;
  private final Duration mintWindow;

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
    this.http = Objects.requireNonNull(http, "http");
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.groups = Objects.requireNonNull(groups, "groups");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.mintWindow = Objects.requireNonNull(mintWindow, "mintWindow");
    if (mintWindow.isNegative()) {
      throw new IllegalArgumentException("the mint window must not be negative");
    }
  }

  @Override
  public JitRunner createJitRunner(JobRef job, String runnerName, List<String> labels) {
    Objects.requireNonNull(runnerName, "runnerName");
    if (labels == null || labels.isEmpty()) {
      // GitHub requires 1 to 100 labels; an empty list is a caller bug, not a GitHub failure.
      throw new IllegalArgumentException("a JIT runner needs at least one label");
    }
    long groupId = groups.groupFor(job);
    List<String> withMinted = new ArrayList<>(labels);
    withMinted.add(MintedLabel.of(clock.instant()));
    JitRequest request = new JitRequest(runnerName, groupId, withMinted, WORK_FOLDER);
    Optional<JitRunner> minted = generateJitConfig(job, request);
    if (minted.isPresent()) {
      return minted.get();
    }
    // An earlier attempt registered this name: one that failed (VM insert, crash, timeout), or
    // one running right now on another handler instance.
    removeStaleRunner(job, runnerName);
    return generateJitConfig(job, request)
        .orElseThrow(
            () ->
                new GitHubException.Transient(
                    "runner name " + runnerName + " still taken after removing the stale runner",
                    null));
  }

  /** The JIT runner, or empty on a 409 (the name is registered already). */
  private Optional<JitRunner> generateJitConfig(JobRef job, JitRequest request) {
    String action = "generate a JIT config for runner " + request.name();
    GitHubHttp.Answer answer =
        http.send(
            HttpMethod.POST,
            action,
            credentials.token(job),
            uri(job, "/actions/runners/generate-jitconfig"),
            request,
            CONFLICT);
    if (answer.status() == CONFLICT) {
      return Optional.empty();
    }
    JitResponse response = answer.as(JitResponse.class);
    if (response.runner() == null || response.encodedJitConfig() == null) {
      throw new GitHubException.Transient(action + ": GitHub answered without a JIT config", null);
    }
    return Optional.of(
        new JitRunner(
            response.runner().id(), response.runner().name(), response.encodedJitConfig()));
  }

  private void removeStaleRunner(JobRef job, String runnerName) {
    Optional<GitHubRunner> stale = findRunner(job, runnerName);
    if (stale.isEmpty()) {
      log.info("Runner name {} was taken but is free now; retrying", runnerName);
      return;
    }
    GitHubRunner runner = stale.get();
    if (runner.busy()) {
      throw new GitHubException.Permanent(
          "runner name " + runnerName + " is held by busy runner " + runner.id(), null);
    }
    // A runner without the minted label predates it: old by definition.
    Optional<Duration> age = runner.mintedAt().map(at -> Duration.between(at, clock.instant()));
    if (age.isPresent() && age.get().compareTo(mintWindow) <= 0) {
      throw new GitHubException.Transient(
          "runner name "
              + runnerName
              + " is held by another attempt, minted "
              + Math.max(0, age.get().toSeconds())
              + "s ago; retry later",
          null);
    }
    log.info(
        "Removing idle runner {} (id {}, {}) left by an earlier attempt",
        runnerName,
        runner.id(),
        runner.status());
    deleteRunner(job, runner.id());
  }

  @Override
  public Optional<GitHubRunner> findRunner(JobRef job, String runnerName) {
    RunnerPage page =
        http.get(
                "find runner " + runnerName,
                credentials.token(job),
                uri(job, "/actions/runners?name={name}", runnerName))
            .as(RunnerPage.class);
    if (page.runners() == null) {
      return Optional.empty();
    }
    return page.runners().stream()
        .filter(runner -> runnerName.equalsIgnoreCase(runner.name()))
        .map(RunnerJson::toRunner)
        .findFirst();
  }

  @Override
  public List<GitHubRunner> listRunners(JobRef scope) {
    List<GitHubRunner> runners = new ArrayList<>();
    for (int page = 1; page <= MAX_PAGES; page++) {
      RunnerPage body =
          http.get(
                  "list runners (page " + page + ")",
                  credentials.token(scope),
                  uri(scope, "/actions/runners?per_page={size}&page={page}", PAGE_SIZE, page))
              .as(RunnerPage.class);
      List<RunnerJson> found = body.runners() == null ? List.of() : body.runners();
      found.forEach(runner -> runners.add(runner.toRunner()));
      boolean lastPage =
          found.size() < PAGE_SIZE
              || (body.totalCount() != null && runners.size() >= body.totalCount());
      if (lastPage) {
        return List.copyOf(runners);
      }
    }
    log.warn("Stopped listing runners after {} pages", MAX_PAGES);
    return List.copyOf(runners);
  }

  @Override
  public boolean deleteRunner(JobRef job, long runnerId) {
    GitHubHttp.Answer answer =
        http.send(
            HttpMethod.DELETE,
            "delete runner " + runnerId,
            credentials.token(job),
            uri(job, "/actions/runners/{id}", runnerId),
            null,
            NOT_FOUND);
    return answer.status() != NOT_FOUND;
  }

  @Override
  public Optional<JobStatus> job(JobRef job) {
    GitHubHttp.Answer answer =
        http.get(
            "get job " + job.jobId(),
            credentials.token(job),
            repositoryUri(job, "/actions/jobs/{id}", job.jobId()),
            NOT_FOUND);
    if (answer.status() == NOT_FOUND) {
      return Optional.empty();
    }
    return Optional.of(answer.as(JobJson.class).toStatus());
  }

  @Override
  public int runAttempt(JobRef job) {
    RunJson run =
        http.getConditional(
                "get run " + job.runId(),
                credentials.token(job),
                repositoryUri(job, "/actions/runs/{run}", job.runId()),
                "")
            .as(RunJson.class);
    if (run.runAttempt() == null || run.runAttempt() < 1) {
      throw new GitHubException.Transient(
          "get run " + job.runId() + ": GitHub answered without a run attempt", null);
    }
    return run.runAttempt();
  }

  @Override
  public List<QueuedJob> queuedJobs(JobRef repository) {
    String token = credentials.token(repository);
    TreeSet<Long> runIds = new TreeSet<>();
    for (String status : List.of("queued", "in_progress")) {
      // Conditional: between sweeps these listings rarely change, and a 304 costs no rate limit.
      http.pages(
              "list " + status + " runs of " + repository.repository(),
              token,
              "",
              page ->
                  repositoryUri(
                      repository,
                      "/actions/runs?status={status}&per_page={size}&page={page}",
                      status,
                      PAGE_SIZE,
                      page),
              answer -> answer.as(RunPage.class).workflowRuns(),
              RUN_PAGES)
          .forEach(run -> runIds.add(run.id()));
    }
    List<QueuedJob> queued = new ArrayList<>();
    // Run ids grow with time: the lowest are the oldest.
    for (long runId : runIds.stream().limit(RUNS_PER_SWEEP).toList()) {
      JobPage jobs =
          http.getConditional(
                  "list jobs of run " + runId,
                  token,
                  repositoryUri(
                      repository, "/actions/runs/{run}/jobs?per_page={size}", runId, PAGE_SIZE),
                  "")
              .as(JobPage.class);
      if (jobs.jobs() == null) {
        continue;
      }
      for (ListedJobJson job : jobs.jobs()) {
        if ("queued".equals(job.status())) {
          queued.add(job.toQueuedJob(repository, runId));
        }
      }
    }
    return List.copyOf(queued);
  }

  @Override
  public List<JobStatus> attemptJobs(JobRef job, int attempt) {
    AttemptJobs page =
        http.get(
                "list jobs of attempt " + attempt + " of run " + job.runId(),
                credentials.token(job),
                repositoryUri(
                    job,
                    "/actions/runs/{run}/attempts/{attempt}/jobs?per_page={size}",
                    job.runId(),
                    attempt,
                    PAGE_SIZE))
            .as(AttemptJobs.class);
    return page.jobs() == null ? List.of() : page.jobs().stream().map(JobJson::toStatus).toList();
  }

  @Override
  public void rerunJob(JobRef job) {
    http.send(
        HttpMethod.POST,
        "re-run job " + job.jobId(),
        credentials.token(job),
        repositoryUri(job, "/actions/jobs/{id}/rerun", job.jobId()),
        null);
  }

  /** Organisation runners when the repository belongs to one, else the repository's. */
  private URI uri(JobRef job, String path, Object... more) {
    if (job.organization() != null) {
      return http.uri("/orgs/{org}" + path, prepend(more, job.organization()));
    }
    return repositoryUri(job, path, more);
  }

  private URI repositoryUri(JobRef job, String path, Object... more) {
    return http.uri(
        "/repos/{owner}/{repo}" + path, prepend(more, job.owner(), job.repositoryName()));
  }

  private static Object[] prepend(Object[] more, Object... first) {
    Object[] all = new Object[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }

  private record JitRequest(
      String name,
      @JsonProperty("runner_group_id") long runnerGroupId,
      List<String> labels,
      @JsonProperty("work_folder") String workFolder) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record JitResponse(
      RunnerJson runner, @JsonProperty("encoded_jit_config") String encodedJitConfig) {
    @Override
    public String toString() {
      return "JitResponse[runner=" + runner + ", encodedJitConfig=<secret>]";
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RunnerPage(
      @JsonProperty("total_count") Integer totalCount, List<RunnerJson> runners) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RunnerJson(
      long id,
      String name,
      String status,
      boolean busy,
      List<LabelJson> labels,
      @JsonProperty("runner_group_id") Long runnerGroupId) {
    GitHubRunner toRunner() {
      List<String> names =
          labels == null ? List.of() : labels.stream().map(LabelJson::name).toList();
      return new GitHubRunner(
          id,
          name,
          status,
          busy,
          names,
          GitHubRunner.mintedAtIn(names),
          runnerGroupId == null ? OptionalLong.empty() : OptionalLong.of(runnerGroupId));
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record LabelJson(String name) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RunPage(@JsonProperty("workflow_runs") List<RunJson> workflowRuns) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RunJson(long id, @JsonProperty("run_attempt") Integer runAttempt) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record JobPage(List<ListedJobJson> jobs) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record AttemptJobs(List<JobJson> jobs) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record ListedJobJson(
      long id,
      @JsonProperty("run_attempt") Integer runAttempt,
      String status,
      List<String> labels,
      @JsonProperty("created_at") String createdAt) {
    QueuedJob toQueuedJob(JobRef repository, long runId) {
      return new QueuedJob(
          new JobRef(
              id,
              runId,
              runAttempt == null ? 1 : runAttempt,
              repository.repository(),
              repository.organization(),
              repository.installationId()),
          labels == null ? List.of() : labels,
          createdAt == null ? Instant.EPOCH : Instant.parse(createdAt));
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record JobJson(
      long id,
      String status,
      String conclusion,
      @JsonProperty("runner_name") String runnerName,
      String name) {
    JobStatus toStatus() {
      return new JobStatus(id, status, conclusion, runnerName, name);
    }
  }
}
