package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import io.autorunner.testkit.github.Runner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The reconciler's cases against the stateful fakes, with both services running as jars and the
 * reconciler on a one-second timer with short windows.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafetyNetAgainstFakesTest {

  private static final String REPO = "acme/models";
  private static final List<String> CPU = List.of("self-hosted", "gce");

  private static LocalSystem system;

  @BeforeAll
  static void start() throws Exception {
    system =
        LocalSystem.start(
            Path.of("..").toAbsolutePath().normalize(),
            Path.of("target/safety-net"),
            Map.of(
                "AUTORUNNER_RECONCILE_EVERY", "1s",
                "AUTORUNNER_RECONCILE_QUEUED_GRACE", "2s",
                "AUTORUNNER_RECONCILE_BOOT_TIMEOUT", "4s",
                "AUTORUNNER_RECONCILE_ORPHAN_RUNNER_GRACE", "15s",
                "AUTORUNNER_RECONCILE_REPOSITORIES", REPO));
    system.gce().setBootDelay(Duration.ofMillis(200));
    system.github().setRunTime(Duration.ofMillis(500));
  }

  @AfterAll
  static void stop() {
    if (system != null) {
      system.close();
    }
  }

  @Test
  @Order(1)
  void aJobWhoseQueuedDeliveryWasLostIsServedByTheReconciler() throws Exception {
    FakeGitHub github = system.github();
    github.setWebhook(URI.create("http://127.0.0.1:9/webhook"), LocalSystem.SECRET);
    long lost = github.queueJob(REPO, CPU);
    assertThat(github.awaitDeliveries(Duration.ofSeconds(10))).isTrue();
    github.setWebhook(system.scheduler().url().resolve("/webhook"), LocalSystem.SECRET);

    await(() -> github.job(lost).orElseThrow().completed(), Duration.ofSeconds(60));

    assertThat(github.job(lost).orElseThrow().conclusion()).isEqualTo("success");
    awaitDrained();
  }

  @Test
  @Order(2)
  void aBusyVmIsNeverTouchedPastEveryWindow() throws Exception {
    FakeGitHub github = system.github();
    github.setRunTime(Duration.ofSeconds(8));
    try {
      long slow = github.queueJob(REPO, CPU);
      await(() -> busyRunnerFor(slow), Duration.ofSeconds(30));
      String vm = github.job(slow).orElseThrow().runnerName();

      Thread.sleep(6000); // past the 4 s boot window, six reconcile runs

      assertThat(system.gce().instance(vm)).as("busy VM %s", vm).isPresent();
      await(() -> github.job(slow).orElseThrow().completed(), Duration.ofSeconds(30));
      assertThat(github.job(slow).orElseThrow().conclusion()).isEqualTo("success");
    } finally {
      github.setRunTime(Duration.ofMillis(500));
    }
    awaitDrained();
  }

  @Test
  @Order(3)
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
      system.gce().setBootDelay(Duration.ofMillis(200));
    }

    await(() -> github.job(stuck).orElseThrow().completed(), Duration.ofSeconds(60));
    assertThat(github.job(stuck).orElseThrow().conclusion()).isEqualTo("success");
    awaitDrained();
  }

  @Test
  @Order(4)
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

  private static void awaitDrained() throws InterruptedException {
    await(
        () ->
            system.github().jobs().stream().allMatch(Job::completed)
                && system.gce().instances().isEmpty()
                && system.github().runners().isEmpty(),
        Duration.ofSeconds(60));
  }

  private static void await(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not reached within " + timeout);
      }
      Thread.sleep(100);
    }
  }
}
