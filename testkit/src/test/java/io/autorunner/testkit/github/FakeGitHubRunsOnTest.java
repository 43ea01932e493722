package io.autorunner.testkit.github;

import static io.autorunner.testkit.github.FakeGitHubTest.await;
import static io.autorunner.testkit.github.Rest.body;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A job's {@code runs-on} is evaluated as GitHub does before the job is queued. */
class FakeGitHubRunsOnTest {

  private static final String REPO = "octo-org/app";
  private static final String BIND =
      "bind=test-${{ github.run_id }}-${{ github.run_attempt }}-${{ strategy.job-index }}";

  private FakeGitHub github;
  private Rest rest;

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
  void eachJobOfAMatrixGetsItsOwnValuesAndOnlyARunnerWithThemTakesIt() throws Exception {
    List<Long> jobs =
        github.queueRun(REPO, List.of(List.of("self-hosted", BIND), List.of("self-hosted", BIND)));
    Job first = github.job(jobs.get(0)).orElseThrow();
    Job second = github.job(jobs.get(1)).orElseThrow();
    long run = first.runId();

    assertThat(first.labels()).containsExactly("self-hosted", "bind=test-" + run + "-1-0");
    assertThat(second.labels()).containsExactly("self-hosted", "bind=test-" + run + "-1-1");
    String shown =
        rest.json("/repos/" + REPO + "/actions/jobs/" + second.id())
            .path("labels")
            .get(1)
            .asString();
    assertThat(shown).isEqualTo("bind=test-" + run + "-1-1");

    bootRunner("r-second", second.labels());
    await(() -> github.job(second.id()).orElseThrow().completed());
    assertThat(github.job(second.id()).orElseThrow().runnerName()).isEqualTo("r-second");
    assertThat(github.job(first.id()).orElseThrow().queued()).isTrue();
  }

  @Test
  void aReRunEvaluatesRunsOnForItsAttempt() throws Exception {
    long first = github.queueJob(REPO, List.of("self-hosted", BIND));
    Job job = github.job(first).orElseThrow();
    bootRunner("r-1", job.labels());
    await(() -> github.job(first).orElseThrow().completed());

    Job again = github.job(github.rerun(first)).orElseThrow();

    assertThat(again.labels()).containsExactly("self-hosted", "bind=test-" + job.runId() + "-2-0");
  }

  @Test
  void githubJobIsEmptyInRunsOnAsOnGitHub() {
    long job = github.queueJob(REPO, List.of("self-hosted", "bind=${{ github.job }}-1"));

    assertThat(github.job(job).orElseThrow().labels()).containsExactly("self-hosted", "bind=-1");
  }

  @Test
  void anExpressionTheFakeDoesNotEvaluateRefusesTheWholeRun() {
    List<String> ok = List.of("self-hosted", BIND);
    List<String> unknown = List.of("self-hosted", "bind=${{ matrix.os }}");

    assertThatThrownBy(() -> github.queueRun(REPO, List.of(ok, unknown)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("matrix.os");
    assertThat(github.jobs()).isEmpty();
  }

  private void bootRunner(String name, List<String> labels) {
    HttpResponse<String> jit =
        rest.post(
            "/orgs/octo-org/actions/runners/generate-jitconfig",
            body("name", name, "runner_group_id", 1, "labels", labels));
    github.bootRunner(Rest.read(jit).path("encoded_jit_config").asString(), name, () -> {});
  }
}
