package io.autorunner.testkit.github;

import static io.autorunner.testkit.github.FakeGitHubTest.await;
import static io.autorunner.testkit.github.Rest.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Workflow runs, their attempts and GitHub's re-run rule. */
class FakeGitHubRunsTest {

  private static final String REPO = "octo-org/app";
  private static final List<String> CPU = List.of("self-hosted", "gce");
  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");

  private FakeGitHub github;
  private Rest rest;
  private int runners;

  @BeforeEach
  void start() {
    github = new FakeGitHub();
    github.setRunTime(Duration.ofMillis(100));
    rest = Rest.asInstallation(github);
  }

  @AfterEach
  void stop() {
    github.close();
  }

  @Test
  void aRunShowsItsLatestAttemptAndFollowsItsJobs() throws Exception {
    long job = github.queueJob(REPO, CPU);
    long runId = github.job(job).orElseThrow().runId();
    JsonNode queued = rest.json(runPath(runId));
    assertThat(queued.path("id").asLong()).isEqualTo(runId);
    assertThat(queued.path("run_attempt").asInt()).isEqualTo(1);
    assertThat(queued.path("status").asString()).isEqualTo("queued");
    assertThat(queued.path("conclusion").isNull()).isTrue();
    assertThat(queued.path("previous_attempt_url").isNull()).isTrue();
    assertThat(queued.path("repository").path("full_name").asString()).isEqualTo(REPO);

    bootRunner(CPU);

    await(() -> github.job(job).orElseThrow().completed());
    JsonNode completed = rest.json(runPath(runId));
    assertThat(completed.path("status").asString()).isEqualTo("completed");
    assertThat(completed.path("conclusion").asString()).isEqualTo("success");
    assertThat(rest.get("/repos/" + REPO + "/actions/runs/999").statusCode()).isEqualTo(404);
    assertThat(rest.get("/repos/octo-org/other/actions/runs/" + runId).statusCode()).isEqualTo(404);
  }

  @Test
  void reRunningAJobWhileItsRunIsStillRunningIs403AlreadyRunning() throws Exception {
    // A matrix: the CPU job completes, the GPU one waits for a runner.
    List<Long> jobs = github.queueRun(REPO, List.of(CPU, GPU));
    bootRunner(CPU);
    await(() -> github.job(jobs.get(0)).orElseThrow().completed());

    HttpResponse<String> refused = rest.post(rerunPath(jobs.get(0)), null);

    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(Rest.read(refused).path("message").asString())
        .isEqualTo("This workflow is already running");
    assertThat(
            rest.json(runPath(github.job(jobs.get(0)).orElseThrow().runId()))
                .path("status")
                .asString())
        .isEqualTo("in_progress");
    assertThatThrownBy(() -> github.rerun(jobs.get(0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("This workflow is already running");
    assertThat(github.rerunCount()).isZero();
  }

  @Test
  void aReRunIsRefusedUntilTheNewAttemptCompletesThenMakesAnotherAttempt() throws Exception {
    long first = github.queueJob(REPO, CPU);
    long runId = github.job(first).orElseThrow().runId();
    bootRunner(CPU);
    await(() -> github.job(first).orElseThrow().completed());

    assertThat(rest.post(rerunPath(first), null).statusCode()).isEqualTo(201);
    Job second = latestJob();
    assertThat(second.runAttempt()).isEqualTo(2);
    assertThat(rest.json(runPath(runId)).path("status").asString()).isEqualTo("queued");
    // A second re-run request while attempt 2 waits (a duplicated task) is refused...
    assertThat(rest.post(rerunPath(first), null).statusCode()).isEqualTo(403);
    bootRunner(CPU);
    await(() -> github.job(second.id()).orElseThrow().completed());

    // ...but once attempt 2 completed, re-running the first job again costs a third attempt.
    assertThat(rest.post(rerunPath(first), null).statusCode()).isEqualTo(201);

    Job third = latestJob();
    assertThat(third.runAttempt()).isEqualTo(3);
    assertThat(third.rerunOf()).isEqualTo(first);
    JsonNode run = rest.json(runPath(runId));
    assertThat(run.path("run_attempt").asInt()).isEqualTo(3);
    assertThat(run.path("previous_attempt_url").asString()).endsWith("/attempts/2");
    assertThat(github.rerunCount()).isEqualTo(2);
  }

  @Test
  void theJobsOfOneAttemptAreListedByAttempt() throws Exception {
    long first = github.queueJob(REPO, CPU);
    long runId = github.job(first).orElseThrow().runId();
    bootRunner(CPU);
    await(() -> github.job(first).orElseThrow().completed());
    long again = github.rerun(first);

    JsonNode attempt1 = rest.json(runPath(runId) + "/attempts/1/jobs");
    JsonNode attempt2 = rest.json(runPath(runId) + "/attempts/2/jobs");

    assertThat(attempt1.path("jobs").findValues("id"))
        .extracting(JsonNode::asLong)
        .containsExactly(first);
    assertThat(attempt1.path("jobs").get(0).path("runner_name").asString()).isNotEmpty();
    assertThat(attempt2.path("jobs").findValues("id"))
        .extracting(JsonNode::asLong)
        .containsExactly(again);
    assertThat(rest.get(runPath(runId) + "/attempts/3/jobs").statusCode()).isEqualTo(404);
  }

  @Test
  void aRunsConclusionKeepsTheResultsOfJobsThatWereNotReRun() throws Exception {
    github.setRunTime(Duration.ofSeconds(30));
    List<Long> jobs = github.queueRun(REPO, List.of(CPU, CPU));
    long runId = github.job(jobs.get(0)).orElseThrow().runId();
    bootRunner(CPU);
    bootRunner(CPU);
    await(() -> github.jobs().stream().allMatch(j -> "in_progress".equals(j.status())));
    github.cancel(jobs.get(1));
    github.cancel(jobs.get(0));
    assertThat(rest.json(runPath(runId)).path("conclusion").asString()).isEqualTo("cancelled");
    github.setRunTime(Duration.ofMillis(50));

    long again = github.rerun(jobs.get(0));
    bootRunner(CPU);
    await(() -> github.job(again).orElseThrow().completed());

    JsonNode run = rest.json(runPath(runId));
    assertThat(run.path("status").asString()).isEqualTo("completed");
    assertThat(run.path("conclusion").asString()).isEqualTo("cancelled");
  }

  @Test
  void listingRunsAnswers304UntilARunChanges() throws Exception {
    long job = github.queueJob(REPO, CPU);
    HttpResponse<String> first = rest.get("/repos/" + REPO + "/actions/runs?status=queued");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    assertThat(Rest.read(first).path("total_count").asInt()).isEqualTo(1);

    HttpResponse<String> unchanged =
        rest.get("/repos/" + REPO + "/actions/runs?status=queued", Map.of("If-None-Match", etag));

    assertThat(unchanged.statusCode()).isEqualTo(304);
    assertThat(unchanged.body()).isEmpty();
    bootRunner(CPU);
    await(() -> !github.job(job).orElseThrow().queued());
    HttpResponse<String> changed =
        rest.get("/repos/" + REPO + "/actions/runs?status=queued", Map.of("If-None-Match", etag));
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(Rest.read(changed).path("total_count").asInt()).isZero();
    assertThat(github.apiCalls().notModified()).isEqualTo(1);
  }

  @Test
  void runsListTheirTotalCountAcrossPagesAndFilterByConclusion() throws Exception {
    long done = github.queueJob(REPO, CPU);
    bootRunner(CPU);
    await(() -> github.job(done).orElseThrow().completed());
    github.queueJob(REPO, GPU);
    github.queueJob(REPO, GPU);

    JsonNode page = rest.json("/repos/" + REPO + "/actions/runs?per_page=1&page=2");

    assertThat(page.path("total_count").asInt()).isEqualTo(3);
    assertThat(page.path("workflow_runs")).hasSize(1);
    assertThat(
            rest.json("/repos/" + REPO + "/actions/runs?status=success")
                .path("total_count")
                .asInt())
        .isEqualTo(1);
  }

  // ---------------------------------------------------------------- helpers

  private static String runPath(long runId) {
    return "/repos/" + REPO + "/actions/runs/" + runId;
  }

  private static String rerunPath(long jobId) {
    return "/repos/" + REPO + "/actions/jobs/" + jobId + "/rerun";
  }

  private Job latestJob() {
    List<Job> all = github.jobs();
    return all.get(all.size() - 1);
  }

  private void bootRunner(List<String> labels) {
    String name = "ghr-r" + ++runners;
    HttpResponse<String> jit =
        rest.post(
            "/orgs/octo-org/actions/runners/generate-jitconfig",
            body("name", name, "runner_group_id", 1, "labels", labels));
    github.bootRunner(Rest.read(jit).path("encoded_jit_config").asString(), name, () -> {});
  }
}
