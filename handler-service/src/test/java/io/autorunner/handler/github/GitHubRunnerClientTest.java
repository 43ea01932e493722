package io.autorunner.handler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitHubRunnerClientTest {

  @RegisterExtension
  static WireMockExtension github =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final String TOKEN = "ghs_test-token";
  private static final List<String> LABELS = List.of("self-hosted", "gce", "gpu");
  private static final String JIT_ORG = "/orgs/acme/actions/runners/generate-jitconfig";

  private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
  private static final String MINTED_NOW = "autorunner-minted-" + NOW.getEpochSecond();
  private static final Duration MINT_WINDOW = Duration.ofMinutes(15);

  private final MutableClock clock = new MutableClock(NOW);
  private final GitHubRunnerClient client = client(apiUrl());

  @Test
  void mintsOrganisationJitConfigWithTheExactRequestGitHubExpects() {
    github.stubFor(
        post(JIT_ORG)
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withHeader("Accept", equalTo("application/vnd.github+json"))
            .withHeader("X-GitHub-Api-Version", equalTo("2022-11-28"))
            .willReturn(jitCreated(501, "ghr-42-1")));

    JitRunner runner = client.createJitRunner(orgJob(), "ghr-42-1", LABELS);

    assertThat(runner.runnerId()).isEqualTo(501);
    assertThat(runner.name()).isEqualTo("ghr-42-1");
    assertThat(runner.encodedJitConfig()).isEqualTo("ZW5jb2RlZC1qaXQ=");
    assertThat(runner.toString()).doesNotContain("ZW5jb2RlZC1qaXQ=");
    github.verify(
        1,
        postRequestedFor(urlPathEqualTo(JIT_ORG))
            .withRequestBody(
                equalToJson(
                    """
                    {"name": "ghr-42-1", "runner_group_id": 3,
                     "labels": ["self-hosted", "gce", "gpu", "autorunner-minted-1893456000"],
                     "work_folder": "_work"}
                    """)));
  }

  @Test
  void mintsRepositoryJitConfigForUserRepositoriesUnderAnEnterpriseApiPath() {
    GitHubRunnerClient enterprise = client(apiUrl() + "/api/v3/");
    String path = "/api/v3/repos/alice/tool/actions/runners/generate-jitconfig";
    github.stubFor(post(path).willReturn(jitCreated(77, "ghr-43-1")));

    JitRunner runner = enterprise.createJitRunner(userJob(), "ghr-43-1", List.of("self-hosted"));

    assertThat(runner.runnerId()).isEqualTo(77);
    github.verify(
        postRequestedFor(urlPathEqualTo(path))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN))
            .withRequestBody(
                equalToJson(
                    """
                    {"name": "ghr-43-1", "runner_group_id": 3,
                     "labels": ["self-hosted", "autorunner-minted-1893456000"],
                     "work_folder": "_work"}
                    """)));
  }

  @Test
  void nameConflictWithAnIdleRunnerWithoutMintedLabelRemovesItAndRetriesOnce() {
    github.stubFor(
        post(JIT_ORG)
            .inScenario("conflict")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(conflict())
            .willSetStateTo("stale runner removed"));
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .withQueryParam("name", equalTo("ghr-42-1"))
            .willReturn(okJson(runners(runnerJson(99, "ghr-42-1", "offline", false)))));
    github.stubFor(delete("/orgs/acme/actions/runners/99").willReturn(aResponse().withStatus(204)));
    github.stubFor(
        post(JIT_ORG)
            .inScenario("conflict")
            .whenScenarioStateIs("stale runner removed")
            .willReturn(jitCreated(100, "ghr-42-1")));

    JitRunner runner = client.createJitRunner(orgJob(), "ghr-42-1", LABELS);

    assertThat(runner.runnerId()).isEqualTo(100);
    github.verify(1, deleteRequestedFor(urlPathEqualTo("/orgs/acme/actions/runners/99")));
    github.verify(2, postRequestedFor(urlPathEqualTo(JIT_ORG)));
  }

  @Test
  void nameHeldByABusyRunnerIsPermanentAndDeletesNothing() {
    github.stubFor(post(JIT_ORG).willReturn(conflict()));
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .withQueryParam("name", equalTo("ghr-42-1"))
            .willReturn(okJson(runners(runnerJson(99, "ghr-42-1", "online", true)))));

    assertThatThrownBy(() -> client.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Permanent.class)
        .hasMessageContaining("busy");
    github.verify(0, deleteRequestedFor(urlPathEqualTo("/orgs/acme/actions/runners/99")));
    github.verify(1, postRequestedFor(urlPathEqualTo(JIT_ORG)));
  }

  @Test
  void conflictThatOutlivesTheCleanupIsTransient() {
    github.stubFor(post(JIT_ORG).willReturn(conflict()));
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .willReturn(okJson(runners(runnerJson(99, "ghr-42-1", "offline", false)))));
    github.stubFor(delete("/orgs/acme/actions/runners/99").willReturn(aResponse().withStatus(204)));

    assertThatThrownBy(() -> client.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Transient.class);
    github.verify(2, postRequestedFor(urlPathEqualTo(JIT_ORG)));
  }

  @Test
  void findsARunnerByNameWithItsLabels() {
    github.stubFor(
        get(urlPathEqualTo("/repos/alice/tool/actions/runners"))
            .withQueryParam("name", equalTo("ghr-43-1"))
            .willReturn(okJson(runners(runnerJson(5, "ghr-43-1", "online", true)))));

    GitHubRunner runner = client.findRunner(userJob(), "ghr-43-1").orElseThrow();

    assertThat(runner.id()).isEqualTo(5);
    assertThat(runner.online()).isTrue();
    assertThat(runner.busy()).isTrue();
    assertThat(runner.labels()).containsExactly("self-hosted", "gce");
  }

  @Test
  void findsNothingWhenNoRunnerHasTheName() {
    github.stubFor(get(urlPathEqualTo("/orgs/acme/actions/runners")).willReturn(okJson(runners())));

    assertThat(client.findRunner(orgJob(), "ghr-42-1")).isEmpty();
  }

  @Test
  void deletesARunner() {
    github.stubFor(delete("/orgs/acme/actions/runners/7").willReturn(aResponse().withStatus(204)));

    assertThat(client.deleteRunner(orgJob(), 7)).isTrue();
    github.verify(
        deleteRequestedFor(urlPathEqualTo("/orgs/acme/actions/runners/7"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void deletingARunnerThatIsGoneAnswersFalse() {
    github.stubFor(
        delete("/repos/alice/tool/actions/runners/7").willReturn(githubError(404, "Not Found")));

    assertThat(client.deleteRunner(userJob(), 7)).isFalse();
  }

  @Test
  void readsTheJobStatusAndItsRunner() {
    github.stubFor(
        get("/repos/acme/app/actions/jobs/42")
            .willReturn(
                okJson(
                    """
                    {"id": 42, "run_id": 7, "status": "completed", "conclusion": "success",
                     "runner_name": "ghr-42-1", "labels": ["self-hosted", "gce"]}
                    """)));

    JobStatus job = client.job(orgJob()).orElseThrow();

    assertThat(job).isEqualTo(new JobStatus(42, "completed", "success", "ghr-42-1"));
  }

  @Test
  void readsAQueuedJobWithoutARunner() {
    github.stubFor(
        get("/repos/acme/app/actions/jobs/42")
            .willReturn(
                okJson(
                    """
                    {"id": 42, "status": "queued", "conclusion": null, "runner_name": null}
                    """)));

    JobStatus job = client.job(orgJob()).orElseThrow();

    assertThat(job.awaitingRunner()).isTrue();
    assertThat(job.runnerName()).isEmpty();
  }

  @Test
  void aJobGitHubDoesNotKnowIsEmpty() {
    github.stubFor(
        get("/repos/acme/app/actions/jobs/42").willReturn(githubError(404, "Not Found")));

    assertThat(client.job(orgJob())).isEmpty();
  }

  @Test
  void rerunsAJob() {
    github.stubFor(
        post("/repos/alice/tool/actions/jobs/43/rerun").willReturn(aResponse().withStatus(201)));

    client.rerunJob(userJob());

    github.verify(
        1,
        postRequestedFor(urlPathEqualTo("/repos/alice/tool/actions/jobs/43/rerun"))
            .withHeader("Authorization", equalTo("Bearer " + TOKEN)));
  }

  @Test
  void listsEveryRunnerAcrossPages() {
    String[] firstPage =
        IntStream.rangeClosed(1, 100)
            .mapToObj(i -> runnerJson(i, "ghr-" + i + "-1", "online", false))
            .toArray(String[]::new);
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .withQueryParam("per_page", equalTo("100"))
            .withQueryParam("page", equalTo("1"))
            .willReturn(okJson(runners(101, firstPage))));
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .withQueryParam("per_page", equalTo("100"))
            .withQueryParam("page", equalTo("2"))
            .willReturn(okJson(runners(101, runnerJson(101, "ghr-101-1", "offline", false)))));

    List<GitHubRunner> all = client.listRunners(orgJob());

    assertThat(all).hasSize(101);
    assertThat(all.get(100).name()).isEqualTo("ghr-101-1");
    github.verify(2, getRequestedFor(urlPathEqualTo("/orgs/acme/actions/runners")));
  }

  @Test
  void serverErrorsAreTransient() {
    github.stubFor(post(JIT_ORG).willReturn(githubError(502, "Server Error")));

    assertThatThrownBy(() -> client.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Transient.class)
        .hasMessageContaining("502");
  }

  @Test
  void tooManyRequestsIsTransient() {
    github.stubFor(
        get("/repos/acme/app/actions/jobs/42").willReturn(githubError(429, "Too Many Requests")));

    assertThatThrownBy(() -> client.job(orgJob())).isInstanceOf(GitHubException.Transient.class);
  }

  @Test
  void primaryRateLimitOn403IsTransient() {
    github.stubFor(
        post(JIT_ORG)
            .willReturn(
                githubError(403, "API rate limit exceeded for installation ID 555.")
                    .withHeader("x-ratelimit-remaining", "0")
                    .withHeader("x-ratelimit-reset", "1893456000")));

    assertThatThrownBy(() -> client.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Transient.class);
  }

  @Test
  void secondaryRateLimitOn403IsTransient() {
    github.stubFor(
        post(JIT_ORG)
            .willReturn(
                githubError(
                    403,
                    "You have exceeded a secondary rate limit. Please wait a few minutes before"
                        + " you try again.")));

    assertThatThrownBy(() -> client.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Transient.class);
  }

  @Test
  void missingPermissionIsPermanentAndSaysWhy() {
    github.stubFor(
        post(JIT_ORG)
            .willReturn(
                githubError(403, "Resource not accessible by integration")
                    .withHeader("x-ratelimit-remaining", "4999")));

    assertThatThrownBy(() -> client.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Permanent.class)
        .hasMessageContaining("Resource not accessible by integration");
  }

  @Test
  void validationFailureIsPermanentWithGitHubsMessage() {
    github.stubFor(
        post(JIT_ORG)
            .willReturn(
                githubError(
                    422, "Invalid input: object is missing required key: runner_group_id")));

    assertThatThrownBy(() -> client.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Permanent.class)
        .hasMessageContaining("HTTP 422")
        .hasMessageContaining("missing required key: runner_group_id");
  }

  @Test
  void readTimeoutIsTransient() {
    GitHubRunnerClient impatient =
        new GitHubRunnerClient(
            URI.create(apiUrl()),
            3,
            new StaticTokenCredentials(TOKEN),
            Duration.ofSeconds(2),
            Duration.ofMillis(200));
    github.stubFor(
        get("/repos/acme/app/actions/jobs/42")
            .willReturn(okJson("{\"id\": 42}").withFixedDelay(2_000)));

    assertThatThrownBy(() -> impatient.job(orgJob())).isInstanceOf(GitHubException.Transient.class);
  }

  @Test
  void connectionResetIsTransient() {
    github.stubFor(
        get("/repos/acme/app/actions/jobs/42")
            .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

    assertThatThrownBy(() -> client.job(orgJob())).isInstanceOf(GitHubException.Transient.class);
  }

  @Test
  void unreachableGitHubIsTransient() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    GitHubRunnerClient unreachable = client("http://127.0.0.1:" + closedPort);

    assertThatThrownBy(() -> unreachable.deleteRunner(orgJob(), 7))
        .isInstanceOf(GitHubException.Transient.class);
  }

  @Test
  void nameHeldByARunnerMintedWithinTheWindowIsTransientAndDeletesNothing() {
    github.stubFor(post(JIT_ORG).willReturn(conflict()));
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .withQueryParam("name", equalTo("ghr-42-1"))
            .willReturn(
                okJson(
                    runners(
                        mintedRunnerJson(
                            99, "ghr-42-1", false, NOW.minus(Duration.ofSeconds(90)), 3)))));

    assertThatThrownBy(() -> client.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Transient.class)
        .hasMessage("runner name ghr-42-1 is held by another attempt, minted 90s ago; retry later");
    github.verify(0, deleteRequestedFor(urlPathEqualTo("/orgs/acme/actions/runners/99")));
    github.verify(1, postRequestedFor(urlPathEqualTo(JIT_ORG)));
  }

  @Test
  void nameHeldByAnIdleRunnerMintedBeforeTheWindowIsRemovedAndReminted() {
    github.stubFor(
        post(JIT_ORG)
            .inScenario("old runner")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(conflict())
            .willSetStateTo("removed"));
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .withQueryParam("name", equalTo("ghr-42-1"))
            .willReturn(
                okJson(
                    runners(
                        mintedRunnerJson(
                            99, "ghr-42-1", false, NOW.minus(MINT_WINDOW).minusSeconds(1), 3)))));
    github.stubFor(delete("/orgs/acme/actions/runners/99").willReturn(aResponse().withStatus(204)));
    github.stubFor(
        post(JIT_ORG)
            .inScenario("old runner")
            .whenScenarioStateIs("removed")
            .willReturn(jitCreated(100, "ghr-42-1")));

    assertThat(client.createJitRunner(orgJob(), "ghr-42-1", LABELS).runnerId()).isEqualTo(100);
    github.verify(1, deleteRequestedFor(urlPathEqualTo("/orgs/acme/actions/runners/99")));
  }

  @Test
  void aFoundRunnerTellsWhenItWasMintedAndItsGroupButListsOnlyTheJobsLabels() {
    Instant minted = NOW.minus(Duration.ofMinutes(3));
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .withQueryParam("name", equalTo("ghr-42-1"))
            .willReturn(okJson(runners(mintedRunnerJson(5, "ghr-42-1", false, minted, 7)))));

    GitHubRunner runner = client.findRunner(orgJob(), "ghr-42-1").orElseThrow();

    assertThat(runner.mintedAt()).contains(minted);
    assertThat(runner.runnerGroupId()).hasValue(7);
    assertThat(runner.labels()).containsExactly("self-hosted", "gce");
  }

  @Test
  void aRunnerWithoutTheMintedLabelHasNoMintTime() {
    github.stubFor(
        get(urlPathEqualTo("/orgs/acme/actions/runners"))
            .willReturn(okJson(runners(runnerJson(5, "ghr-42-1", "online", false)))));

    assertThat(client.findRunner(orgJob(), "ghr-42-1").orElseThrow().mintedAt()).isEmpty();
  }

  @Test
  void organisationRunnersJoinTheGroupTheSourceNames() {
    github.stubFor(post(JIT_ORG).willReturn(jitCreated(501, "ghr-42-1")));
    GitHubRunnerClient grouped = client(apiUrl(), job -> 42);

    grouped.createJitRunner(orgJob(), "ghr-42-1", LABELS);

    github.verify(
        postRequestedFor(urlPathEqualTo(JIT_ORG))
            .withRequestBody(matchingJsonPath("$.runner_group_id", equalTo("42"))));
  }

  @Test
  void aRefusedRunnerGroupRefusesTheJitConfigWithoutAskingGitHub() {
    GitHubRunnerClient refusing =
        client(
            apiUrl(),
            job -> {
              throw new GitHubException.Permanent("acme: REFUSED runner group 'autorunner'", null);
            });

    assertThatThrownBy(() -> refusing.createJitRunner(orgJob(), "ghr-42-1", LABELS))
        .isInstanceOf(GitHubException.Permanent.class)
        .hasMessageContaining("REFUSED");
    github.verify(0, postRequestedFor(urlPathEqualTo(JIT_ORG)));
  }

  @Test
  void runAttemptIsTheLatestAttemptOfTheJobsRun() {
    github.stubFor(
        get("/repos/acme/app/actions/runs/7")
            .willReturn(okJson("{\"id\": 7, \"run_attempt\": 3, \"status\": \"queued\"}")));

    assertThat(client.runAttempt(orgJob())).isEqualTo(3);
  }

  @Test
  void runAttemptOfARunGitHubDoesNotKnowIsPermanent() {
    github.stubFor(get("/repos/acme/app/actions/runs/7").willReturn(githubError(404, "Not Found")));

    assertThatThrownBy(() -> client.runAttempt(orgJob()))
        .isInstanceOf(GitHubException.Permanent.class);
  }

  @Test
  void unchangedRunListingsComeBackNotModifiedAndReuseTheCachedRuns() {
    for (String status : List.of("queued", "in_progress")) {
      github.stubFor(
          get(urlPathEqualTo("/repos/acme/app/actions/runs"))
              .withQueryParam("status", equalTo(status))
              .withHeader("If-None-Match", absent())
              .willReturn(
                  okJson("{\"workflow_runs\":[{\"id\":700}]}")
                      .withHeader("ETag", "\"runs-" + status + "\"")));
      github.stubFor(
          get(urlPathEqualTo("/repos/acme/app/actions/runs"))
              .withQueryParam("status", equalTo(status))
              .withHeader("If-None-Match", equalTo("\"runs-" + status + "\""))
              .willReturn(aResponse().withStatus(304).withHeader("x-ratelimit-remaining", "4321")));
    }
    github.stubFor(
        get(urlPathEqualTo("/repos/acme/app/actions/runs/700/jobs"))
            .willReturn(
                okJson(
                    """
                    {"jobs": [{"id": 9001, "run_attempt": 1, "status": "queued",
                               "labels": ["gce"], "created_at": "2026-11-27T10:00:00Z"}]}
                    """)));
    client.queuedJobs(orgJob());

    GitHubCalls.Measured<List<QueuedJob>> again =
        GitHubCalls.measure(() -> client.queuedJobs(orgJob()));

    assertThat(again.value()).extracting(q -> q.job().jobId()).containsExactly(9001L);
    assertThat(again.calls().calls()).isEqualTo(3);
    assertThat(again.calls().notModified()).isEqualTo(2);
    assertThat(again.calls().rateLimitRemaining()).hasValue(4321);
  }

  private static String apiUrl() {
    return "http://127.0.0.1:" + github.getPort();
  }

  private GitHubRunnerClient client(String apiUrl) {
    return client(apiUrl, RunnerGroupSource.fixed(3));
  }

  private GitHubRunnerClient client(String apiUrl, RunnerGroupSource groups) {
    return new GitHubRunnerClient(
        new GitHubHttp(
            URI.create(apiUrl),
            Duration.ofSeconds(2),
            Duration.ofSeconds(5),
            GitHubHttp.DEFAULT_CACHE_BYTES),
        new StaticTokenCredentials(TOKEN),
        groups,
        clock,
        MINT_WINDOW);
  }

  @Test
  void queuedJobsAreFoundInQueuedAndInProgressRuns() {
    github.stubFor(
        get(urlPathEqualTo("/repos/acme/app/actions/runs"))
            .withQueryParam("status", equalTo("queued"))
            .willReturn(okJson("{\"total_count\":1,\"workflow_runs\":[{\"id\":700}]}")));
    github.stubFor(
        get(urlPathEqualTo("/repos/acme/app/actions/runs"))
            .withQueryParam("status", equalTo("in_progress"))
            .willReturn(okJson("{\"total_count\":1,\"workflow_runs\":[{\"id\":701}]}")));
    github.stubFor(
        get(urlPathEqualTo("/repos/acme/app/actions/runs/700/jobs"))
            .willReturn(
                okJson(
                    """
                    {"total_count": 1, "jobs": [{"id": 9001, "run_id": 700, "run_attempt": 2,
                     "status": "queued", "labels": ["self-hosted", "gce", "gpu"],
                     "created_at": "2026-11-27T10:00:00Z"}]}
                    """)));
    github.stubFor(
        get(urlPathEqualTo("/repos/acme/app/actions/runs/701/jobs"))
            .willReturn(
                okJson(
                    """
                    {"total_count": 2, "jobs": [
                     {"id": 9002, "run_id": 701, "status": "in_progress", "labels": ["gce"]},
                     {"id": 9003, "run_id": 701, "run_attempt": 1, "status": "queued",
                      "labels": ["self-hosted", "gce"], "created_at": "2026-11-27T10:05:00Z"}]}
                    """)));

    List<QueuedJob> queued = client.queuedJobs(orgJob());

    assertThat(queued).extracting(q -> q.job().jobId()).containsExactly(9001L, 9003L);
    assertThat(queued.get(0).job().runAttempt()).isEqualTo(2);
    assertThat(queued.get(0).job().organization()).isEqualTo("acme");
    assertThat(queued.get(0).labels()).containsExactly("self-hosted", "gce", "gpu");
    assertThat(queued.get(1).createdAt())
        .isEqualTo(java.time.Instant.parse("2026-11-27T10:05:00Z"));
  }

  private static JobRef orgJob() {
    return new JobRef(42, 7, 1, "acme/app", "acme", 555L);
  }

  private static JobRef userJob() {
    return new JobRef(43, 8, 1, "alice/tool", null, null);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder jitCreated(
      long id, String name) {
    return aResponse()
        .withStatus(201)
        .withHeader("Content-Type", "application/json")
        .withBody(
            """
            {"runner": {"id": %d, "name": "%s", "os": "unknown", "status": "offline",
                        "busy": false, "labels": [{"id": 1, "name": "self-hosted",
                        "type": "read-only"}]},
             "encoded_jit_config": "ZW5jb2RlZC1qaXQ="}
            """
                .formatted(id, name));
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder conflict() {
    return githubError(409, "Already exists - A resource with this name already exists.");
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder githubError(
      int status, String message) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(
            """
            {"message": "%s", "documentation_url": "https://docs.github.com/rest", "status": "%d"}
            """
                .formatted(message, status));
  }

  private static String mintedRunnerJson(
      long id, String name, boolean busy, Instant mintedAt, long groupId) {
    return """
        {"id": %d, "name": "%s", "os": "linux", "status": "online", "busy": %s,
         "runner_group_id": %d,
         "labels": [{"id": 1, "name": "self-hosted", "type": "read-only"},
                    {"id": 2, "name": "gce", "type": "custom"},
                    {"id": 3, "name": "autorunner-minted-%d", "type": "custom"}]}
        """
        .formatted(id, name, busy, groupId, mintedAt.getEpochSecond());
  }

  private static String runnerJson(long id, String name, String status, boolean busy) {
    return """
        {"id": %d, "name": "%s", "os": "linux", "status": "%s", "busy": %s,
         "labels": [{"id": 1, "name": "self-hosted", "type": "read-only"},
                    {"id": 2, "name": "gce", "type": "custom"}]}
        """
        .formatted(id, name, status, busy);
  }

  private static String runners(String... runners) {
    return runners(runners.length, runners);
  }

  private static String runners(int totalCount, String... runners) {
    return "{\"total_count\": "
        + totalCount
        + ", \"runners\": ["
        + java.util.Arrays.stream(runners).collect(Collectors.joining(","))
        + "]}";
  }
}
