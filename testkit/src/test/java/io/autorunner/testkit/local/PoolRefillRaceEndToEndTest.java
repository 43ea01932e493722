package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * GitHub hands a queued job to an idle warm-pool runner while the job's own VM is still being made
 * (its insert takes longer than GitHub's hand-over, as a slow insert or a zone walk does): in the
 * production shape (three handler instances, a third of the tasks delivered twice, one instance
 * killed and started again between jobs), the job's own VM becomes the pool's refill on whichever
 * instance refills, and no pool VM is booted beside it. So every VM ever inserted is a pool place
 * of the first fill or a job's own VM, and the pool ends full.
 */
class PoolRefillRaceEndToEndTest {

  private static final String REPO = "acme/models";
  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");
  private static final int SIZE = 2;
  private static final int JOBS = 4;
  private static final int HANDLERS = 3;

  @Test
  void aJobThatTakesAPoolRunnerMidCreateMakesItsOwnVmTheRefill() throws Exception {
    LocalSystem.Options options =
        new LocalSystem.Options(
            Map.of(
                "AUTORUNNER_POOLS_GPU_LABELS",
                String.join(",", GPU),
                "AUTORUNNER_POOLS_GPU_SIZE",
                Integer.toString(SIZE),
                "AUTORUNNER_POOLS_GPU_SCOPE",
                "acme",
                "AUTORUNNER_LIMITS_MAX_INSTANCES",
                "8",
                // The sweep is the backstop that tops up regardless; kept out of the way here, as
                // its 5 minutes keep it in production.
                "AUTORUNNER_RECONCILE_EVERY",
                "10m"),
            Map.of("AUTORUNNER_TASKS_LOCAL_DUPLICATE_FRACTION", "0.3"),
            HANDLERS,
            github -> github.addRepository(REPO, true));
    try (LocalSystem system =
        LocalSystem.start(
            Path.of("..").toAbsolutePath().normalize(),
            Path.of("target/pool-refill-race"),
            options)) {
      FakeGitHub github = system.github();
      system.gce().setBootDelay(Duration.ofSeconds(2));
      github.setRunTime(Duration.ofSeconds(12));
      sweep(system.handlerUrl());
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> idlePoolRunners(github) == SIZE);
      Set<String> firstFill = insertedNames(system);
      assertThat(firstFill).containsExactly("ghr-p-gpu-1", "ghr-p-gpu-2");

      // From here a job goes to a runner 1 s after it is queued, and an insert takes 3 s.
      github.setHandOverDelay(Duration.ofSeconds(1));
      system.gce().setInsertLatency(Duration.ofSeconds(3));
      List<Long> jobs = new ArrayList<>();
      for (int i = 0; i < JOBS; i++) {
        long id = github.queueJob(REPO, GPU);
        jobs.add(id);
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> github.job(id).get().startedAt() != null);
        // Its own VM landed, was adopted and booted: the pool is full again.
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> idlePoolRunners(github) == SIZE);
        if (i == 1) {
          system.killHandler(1);
          system.restartHandler(1);
        }
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> jobs.stream().allMatch(id -> github.job(id).get().completed()));

      List<Job> done = jobs.stream().map(id -> github.job(id).orElseThrow()).toList();
      assertThat(done).extracting(Job::conclusion).containsOnly("success");
      assertThat(done)
          .as("every job started on a pool runner, not after a cold boot")
          .allMatch(j -> Duration.between(j.createdAt(), j.startedAt()).compareTo(SECONDS_3) < 0);
      Set<String> expected = new TreeSet<>(firstFill);
      jobs.forEach(id -> expected.add("ghr-" + id + "-1"));
      assertThat(insertedNames(system))
          .as("every VM inserted: the first fill and one per job (its own, become the refill)")
          .isEqualTo(expected);
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> system.gce().instances().size() == SIZE && idlePoolRunners(github) == SIZE);
      assertThat(system.handlerLogLines("is still being made, to be the refill"))
          .as("some refill waited for the job's own VM")
          .isNotEmpty();
    }
  }

  private static final Duration SECONDS_3 = Duration.ofSeconds(3);

  /** The sweep once, on whichever instance the front picks: it fills the pool. */
  private static void sweep(URI front) throws Exception {
    HttpResponse<String> answer =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(front.resolve("/tasks/reconcile"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
  }

  private static Set<String> insertedNames(LocalSystem system) {
    return system.gce().inserted().stream()
        .map(FakeInstance::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static long idlePoolRunners(FakeGitHub github) {
    return github.runners().stream()
        .filter(r -> r.labels().containsAll(GPU))
        .filter(r -> "online".equals(r.status()) && !r.busy())
        .count();
  }
}
