package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.system.GitHubProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;

/**
 * {@link RunnerRegistry} over GitHub's REST API ({@code autorunner.github.api-url}, so GitHub
 * Enterprise Server works too). Runner calls go to the organisation when the job has one, else to
 * the repository; the bearer token comes from {@link GitHubCredentials} per job.
 */
public final class GitHubRunnerClient implements RunnerRegistry {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

  /** Pages of 100 runs listed per status in one sweep. */
  private static final int RUN_PAGES = 5;

  /**
   * Runs whose jobs one sweep lists, oldest first: the ones waiting longest matter most, and the
   * bound keeps a sweep every few minutes within GitHub's hourly rate limit.
   */
  private static final int RUNS_PER_SWEEP = 100;

  private static final Logger log = LoggerFactory.getLogger(GitHubRunnerClient.class);
  private static final String API_VERSION = "2022-11-28";
  private static final int PAGE_SIZE = 100;
  // A guard against a server that never stops paging; 100 pages are 10,000 runners.
  private static final int MAX_PAGES = 100;
  private static final String WORK_FOLDER = "_work";

  private final RestClient http;
  private final GitHubCredentials credentials;
  private final long runnerGroupId;

  public GitHubRunnerClient(GitHubProperties properties, GitHubCredentials credentials) {
    this(
        properties.apiUrl(),
        properties.runnerGroupId(),
        credentials,
        DEFAULT_CONNECT_TIMEOUT,
        DEFAULT_READ_TIMEOUT);
  }

  /**
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
    if (runnerGroupId < 1) {
      throw new IllegalArgumentException("runner group id must be positive");
    }
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.runnerGroupId = runnerGroupId;
    JdkClientHttpRequestFactory requests =
        new JdkClientHttpRequestFactory(
            HttpClient.newBuilder()
                // Over cleartext the JDK client would try an h2c upgrade, which proxies and
                // loopback fakes handle badly (request bodies get lost); a few calls per task
                // gain nothing from HTTP/2.
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build());
    requests.setReadTimeout(readTimeout);
    this.http =
        RestClient.builder()
            .baseUrl(apiUrl.toString().replaceAll("/+$", ""))
            .requestFactory(requests)
            .defaultHeader("Accept", "application/vnd.github+json")
            .defaultHeader("X-GitHub-Api-Version", API_VERSION)
            .build();
  }

  @Override
  public JitRunner createJitRunner(JobRef job, String runnerName, List<String> labels) {
    Objects.requireNonNull(runnerName, "runnerName");
    if (labels == null || labels.isEmpty()) {
      // GitHub requires 1 to 100 labels; an empty list is a caller bug, not a GitHub failure.
      throw new IllegalArgumentException("a JIT runner needs at least one label");
    }
    JitRequest request = new JitRequest(runnerName, runnerGroupId, labels, WORK_FOLDER);
    try {
      return generateJitConfig(job, request);
    } catch (NameTaken conflict) {
      // An earlier attempt registered this name and then failed (VM insert, crash, timeout).
      removeStaleRunner(job, runnerName);
      try {
        return generateJitConfig(job, request);
      } catch (NameTaken again) {
        throw new GitHubException.Transient(
            "runner name " + runnerName + " still taken after removing the stale runner", again);
      }
    }
  }

  private JitRunner generateJitConfig(JobRef job, JitRequest request) {
    String action = "generate a JIT config for runner " + request.name();
    JitResponse response =
        send(
            action,
            () -> {
              try {
                return http.post()
                    .uri(
                        scopePath(job) + "/actions/runners/generate-jitconfig", scopeVariables(job))
                    .headers(h -> h.setBearerAuth(credentials.token(job)))
                    .contentType(MediaType.APPLICATION_JSON)
                    .body(request)
                    .retrieve()
                    .body(JitResponse.class);
              } catch (RestClientResponseException e) {
                if (e.getStatusCode().isSameCodeAs(HttpStatus.CONFLICT)) {
                  throw new NameTaken(e);
                }
                throw e;
              }
            });
    if (response == null || response.runner() == null || response.encodedJitConfig() == null) {
      throw new GitHubException.Transient(action + ": GitHub answered without a JIT config", null);
    }
    return new JitRunner(
        response.runner().id(), response.runner().name(), response.encodedJitConfig());
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
        send(
            "find runner " + runnerName,
            () ->
                http.get()
                    .uri(
                        scopePath(job) + "/actions/runners?name={name}",
                        scopeVariables(job, runnerName))
                    .headers(h -> h.setBearerAuth(credentials.token(job)))
                    .retrieve()
                    .body(RunnerPage.class));
    if (page == null || page.runners() == null) {
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
      int number = page;
      RunnerPage body =
          send(
              "list runners (page " + number + ")",
              () ->
                  http.get()
                      .uri(
                          scopePath(scope) + "/actions/runners?per_page={size}&page={page}",
                          scopeVariables(scope, PAGE_SIZE, number))
                      .headers(h -> h.setBearerAuth(credentials.token(scope)))
                      .retrieve()
                      .body(RunnerPage.class));
      List<RunnerJson> found = body == null || body.runners() == null ? List.of() : body.runners();
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
    return sendUnlessNotFound(
            "delete runner " + runnerId,
            () -> {
              http.delete()
                  .uri(scopePath(job) + "/actions/runners/{id}", scopeVariables(job, runnerId))
                  .headers(h -> h.setBearerAuth(credentials.token(job)))
                  .retrieve()
                  .toBodilessEntity();
              return Boolean.TRUE;
            })
        .isPresent();
  }

  @Override
  public Optional<JobStatus> job(JobRef job) {
    return sendUnlessNotFound(
            "get job " + job.jobId(),
            () ->
                http.get()
                    .uri(
                        "/repos/{owner}/{repo}/actions/jobs/{id}",
                        job.owner(),
                        job.repositoryName(),
                        job.jobId())
                    .headers(h -> h.setBearerAuth(credentials.token(job)))
                    .retrieve()
                    .body(JobJson.class))
        .map(JobJson::toStatus);
  }

  @Override
  public List<QueuedJob> queuedJobs(JobRef repository) {
    List<QueuedJob> queued = new ArrayList<>();
    java.util.TreeSet<Long> runIds = new java.util.TreeSet<>();
    for (String status : List.of("queued", "in_progress")) {
      for (int page = 1; page <= RUN_PAGES; page++) {
        int number = page;
        RunPage runs =
            send(
                "list " + status + " runs of " + repository.repository(),
                () ->
                    http.get()
                        .uri(
                            "/repos/{owner}/{repo}/actions/runs?status={status}"
                                + "&per_page={size}&page={page}",
                            repository.owner(),
                            repository.repositoryName(),
                            status,
                            PAGE_SIZE,
                            number)
                        .headers(h -> h.setBearerAuth(credentials.token(repository)))
                        .retrieve()
                        .body(RunPage.class));
        List<RunJson> found =
            runs == null || runs.workflowRuns() == null ? List.of() : runs.workflowRuns();
        found.forEach(run -> runIds.add(run.id()));
        if (found.size() < PAGE_SIZE) {
          break;
        }
      }
    }
    // Run ids grow with time: the lowest are the oldest.
    List<RunJson> oldestFirst = runIds.stream().limit(RUNS_PER_SWEEP).map(RunJson::new).toList();
    for (RunJson run : oldestFirst) {
      JobPage jobs =
          send(
              "list jobs of run " + run.id(),
              () ->
                  http.get()
                      .uri(
                          "/repos/{owner}/{repo}/actions/runs/{run}/jobs?per_page={size}",
                          repository.owner(),
                          repository.repositoryName(),
                          run.id(),
                          PAGE_SIZE)
                      .headers(h -> h.setBearerAuth(credentials.token(repository)))
                      .retrieve()
                      .body(JobPage.class));
      if (jobs == null || jobs.jobs() == null) {
        continue;
      }
      for (ListedJobJson job : jobs.jobs()) {
        if ("queued".equals(job.status())) {
          queued.add(
              new QueuedJob(
                  new JobRef(
                      job.id(),
                      run.id(),
                      job.runAttempt() == null ? 1 : job.runAttempt(),
                      repository.repository(),
                      repository.organization(),
                      repository.installationId()),
                  job.labels() == null ? List.of() : job.labels(),
                  job.createdAt() == null ? Instant.EPOCH : Instant.parse(job.createdAt())));
        }
      }
    }
    return List.copyOf(queued);
  }

  @Override
  public List<JobStatus> attemptJobs(JobRef job, int attempt) {
    AttemptJobs page =
        send(
            "list jobs of attempt " + attempt + " of run " + job.runId(),
            () ->
                http.get()
                    .uri(
                        "/repos/{owner}/{repo}/actions/runs/{run}/attempts/{attempt}/jobs"
                            + "?per_page={size}",
                        job.owner(),
                        job.repositoryName(),
                        job.runId(),
                        attempt,
                        PAGE_SIZE)
                    .headers(h -> h.setBearerAuth(credentials.token(job)))
                    .retrieve()
                    .body(AttemptJobs.class));
    return page == null || page.jobs() == null
        ? List.of()
        : page.jobs().stream().map(JobJson::toStatus).toList();
  }

  @Override
  public int runAttempt(JobRef job) {
    RunJson run =
        send(
            "get run " + job.runId(),
            () ->
                http.get()
                    .uri(
                        "/repos/{owner}/{repo}/actions/runs/{run}",
                        job.owner(),
                        job.repositoryName(),
                        job.runId())
                    .headers(h -> h.setBearerAuth(credentials.token(job)))
                    .retrieve()
                    .body(RunJson.class));
    return run == null || run.runAttempt() == null ? job.runAttempt() : run.runAttempt();
  }

  @Override
  public void rerunJob(JobRef job) {
    send(
        "re-run job " + job.jobId(),
        () ->
            http.post()
                .uri(
                    "/repos/{owner}/{repo}/actions/jobs/{id}/rerun",
                    job.owner(),
                    job.repositoryName(),
                    job.jobId())
                .headers(h -> h.setBearerAuth(credentials.token(job)))
                .retrieve()
                .toBodilessEntity());
  }

  /** Organisation runners when the repository belongs to one, else the repository's. */
  private static String scopePath(JobRef job) {
    return job.organization() != null ? "/orgs/{org}" : "/repos/{owner}/{repo}";
  }

  private static Object[] scopeVariables(JobRef job, Object... more) {
    Object[] scope =
        job.organization() != null
            ? new Object[] {job.organization()}
            : new Object[] {job.owner(), job.repositoryName()};
    Object[] all = new Object[scope.length + more.length];
    System.arraycopy(scope, 0, all, 0, scope.length);
    System.arraycopy(more, 0, all, scope.length, more.length);
    return all;
  }

  private <T> Optional<T> sendUnlessNotFound(String action, Supplier<T> call) {
    return send(
        action,
        () -> {
          try {
            return Optional.ofNullable(call.get());
          } catch (RestClientResponseException e) {
            if (e.getStatusCode().isSameCodeAs(HttpStatus.NOT_FOUND)) {
              return Optional.<T>empty();
            }
            throw e;
          }
        });
  }

  /** Runs one call and types its failure: retry or give up (see {@link GitHubErrors}). */
  private static <T> T send(String action, Supplier<T> call) {
    try {
      return call.get();
    } catch (RestClientResponseException e) {
      throw GitHubErrors.fromStatus(
          action,
          e.getStatusCode().value(),
          name -> e.getResponseHeaders() == null ? null : e.getResponseHeaders().getFirst(name),
          e.getResponseBodyAsString(),
          e);
    } catch (RestClientException e) {
      // Connect failures, timeouts, a body cut short: the network, not the request, is at fault.
      throw new GitHubException.Transient(action + ": " + e.getMessage(), e);
    }
  }

  /** A 409 on generate-jitconfig: the runner name is registered already. */
  private static final class NameTaken extends RuntimeException {
    NameTaken(Throwable cause) {
      super("runner name already registered", cause, false, false);
    }
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
      long id, String name, String status, boolean busy, List<LabelJson> labels) {
    GitHubRunner toRunner() {
      List<String> names =
          labels == null ? List.of() : labels.stream().map(LabelJson::name).toList();
      return new GitHubRunner(id, name, status, busy, names);
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record LabelJson(String name) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RunPage(@JsonProperty("workflow_runs") List<RunJson> workflowRuns) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  private record RunJson(long id, @JsonProperty("run_attempt") Integer runAttempt) {
    RunJson(long id) {
      this(id, null);
    }
  }

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
      @JsonProperty("created_at") String createdAt) {}

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
