package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import io.autorunner.testkit.github.Runner;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's cases against the stateful fakes, with both services running as jars and the
 * reconciler on a one-second timer with short windows. Each test starts from a drained system and
 * puts back every knob it turns, so the tests run in any order.
 */
class SafetyNetAgainstFakesTest {

  private static final String REPO = "acme/models";
  private static final List<String> CPU = List.of("self-hosted", "gce");
  private static final Duration BOOT_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration BOOT_DELAY = Duration.ofMillis(200);
  private static final Duration RUN_TIME = Duration.ofMillis(500);

  /** What the handler logs at the end of every reconcile sweep. */
  private static final String SWEEP_DONE = "reconcile: found ";

  private static LocalSystem system;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> handlerEnv =
        Map.of(
            "AUTORUNNER_RECONCILE_EVERY", "1s",
            "AUTORUNNER_RECONCILE_QUEUED_GRACE", "2s",
            "AUTORUNNER_RECONCILE_BOOT_TIMEOUT", BOOT_TIMEOUT.toSeconds() + "s",
            "AUTORUNNER_RECONCILE_ORPHAN_RUNNER_GRACE", "15s",
            "AUTORUNNER_RECONCILE_REPOSITORIES", REPO);
    // The App is installed on the organisation's repository from the start, so the sweep lists
    // the organisation's runners whether or not a job was queued before (no test relies on
    // another having run first).
    LocalSystem.Options options =
        new LocalSystem.Options(
            handlerEnv, Map.of(), 1, github -> github.addRepository(REPO, true));
    system =
        LocalSystem.start(
            Path.of("..").toAbsolutePath().normalize(), Path.of("target/safety-net"), options);
    system.gce().setBootDelay(BOOT_DELAY);
    system.github().setRunTime(RUN_TIME);
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @BeforeEach
  void startDrained() {
    awaitDrained();
  }

  @Test
  void aJobWhoseQueuedDeliveryWasLostIsServedByTheReconciler() throws Exception {
    FakeGitHub github = system.github();
    long lost;
    github.setWebhook(URI.create("http://127.0.0.1:9/webhook"), LocalSystem.SECRET);
    try {
      lost = github.queueJob(REPO, CPU);
      assertThat(github.awaitDeliveries(Duration.ofSeconds(10))).isTrue();
    } finally {
      github.setWebhook(system.scheduler().url().resolve("/webhook"), LocalSystem.SECRET);
    }

    await(() -> github.job(lost).orElseThrow().completed(), Duration.ofSeconds(60));

    assertThat(github.job(lost).orElseThrow().conclusion()).isEqualTo("success");
    awaitDrained();
  }

  @Test
  void aBusyVmIsNeverTouchedPastEveryWindow() throws Exception {
    FakeGitHub github = system.github();
    // Long enough for the sweeps below to run while the job still does.
    github.setRunTime(Duration.ofSeconds(12));
    try {
      long slow = github.queueJob(REPO, CPU);
      await(() -> busyRunnerFor(slow), Duration.ofSeconds(30));
      String vm = github.job(slow).orElseThrow().runnerName();
      Instant created = system.gce().instance(vm).orElseThrow().created();

      // The proof that the windows have passed: three sweeps begun after the boot window closed
      // (the queued grace is shorter) have finished.
      awaitSweepsBegunAfter(created.plus(BOOT_TIMEOUT), 3);

      assertThat(github.job(slow).orElseThrow().status())
          .as("the job the sweeps were to leave alone still runs")
          .isEqualTo("in_progress");
      assertThat(system.gce().instance(vm)).as("busy VM %s", vm).isPresent();
      await(() -> github.job(slow).orElseThrow().completed(), Duration.ofSeconds(30));
      assertThat(github.job(slow).orElseThrow().conclusion()).isEqualTo("success");
    } finally {
      github.setRunTime(RUN_TIME);
    }
    awaitDrained();
  }

  @Test
  void aVmThatNeverBootsIsReapedAndTheJobStillRuns() throws Exception {
    FakeGitHub github = system.github();
    system.gce().setBootDelay(Duration.ofMinutes(10));
    long stuck;
    String vm;
    try {
      stuck = github.queueJob(REPO, CPU);
      vm = "ghr-" + stuck + "-1";
      await(() -> system.gce().instance(vm).isPresent(), Duration.ofSeconds(30));
      await(() -> system.gce().instance(vm).isEmpty(), Duration.ofSeconds(30));
    } finally {
      system.gce().setBootDelay(BOOT_DELAY);
    }

    await(() -> github.job(stuck).orElseThrow().completed(), Duration.ofSeconds(60));
    assertThat(github.job(stuck).orElseThrow().conclusion()).isEqualTo("success");
    awaitDrained();
  }

  @Test
  void aRunnerOfOursWithNoVmIsRemoved() throws Exception {
    HttpResponse<String> minted =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        system
                            .github()
                            .baseUrl()
                            .resolve("/orgs/acme/actions/runners/generate-jitconfig"))
                    .header("Authorization", "Bearer t")
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"name\":\"ghr-999999-1\",\"runner_group_id\":1,"
                                + "\"labels\":[\"self-hosted\",\"gce\"]}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(minted.statusCode()).isEqualTo(201);
    assertThat(runnerNamed("ghr-999999-1")).isTrue();

    await(() -> !runnerNamed("ghr-999999-1"), Duration.ofSeconds(30));
  }

  private static boolean busyRunnerFor(long job) {
    return system.github().runners().stream()
        .anyMatch(r -> r.busy() && Long.valueOf(job).equals(r.jobId()));
  }

  private static boolean runnerNamed(String name) {
    return system.github().runners().stream().map(Runner::name).anyMatch(name::equals);
  }

  /**
   * Waits until {@code count} reconcile sweeps that began after {@code moment} have finished. The
   * handler sweeps one at a time, so of the sweeps finished once {@code moment} has passed, at most
   * the first began before it.
   */
  private static void awaitSweepsBegunAfter(Instant moment, int count) throws IOException {
    await(() -> Instant.now().isAfter(moment), Duration.ofSeconds(30));
    int before = sweepsDone();
    await(() -> sweepsDone() >= before + count + 1, Duration.ofSeconds(30));
  }

  private static int sweepsDone() throws IOException {
    return system.handlerLogLines(SWEEP_DONE).size();
  }

  /** Every job completed, every VM and runner gone, every webhook answered. */
  private static void awaitDrained() {
    await(
        () ->
            system.github().jobs().stream().allMatch(Job::completed)
                && system.gce().instances().isEmpty()
                && system.github().runners().isEmpty()
                && system.github().awaitDeliveries(Duration.ZERO),
        Duration.ofSeconds(60));
  }

  private static void await(Callable<Boolean> condition, Duration timeout) {
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(condition);
  }
}
