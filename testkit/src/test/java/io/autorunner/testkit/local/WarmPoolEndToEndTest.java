package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.gce.VmLifetime;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A warm pool against the fakes in the production shape: three handler instances behind a
 * round-robin front, each sweeping on its own timer (so top-ups overlap), a third of the tasks
 * delivered twice at once, and one instance killed with SIGKILL in the middle of a burst and
 * started again. The pool fills to its size and no more; the first jobs of a burst larger than the
 * pool start on pool runners without waiting for a VM to boot; every job succeeds; the cap holds;
 * and the pool ends full again, which every instance's status page shows alike.
 */
class WarmPoolEndToEndTest {

  private static final String REPO = "acme/models";
  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");
  private static final int SIZE = 3;
  private static final int MAX_INSTANCES = 6;
  private static final int BURST = 6;
  private static final int HANDLERS = 3;

  /** The handlers take an overshoot back after 1 s; the cap is judged past 4 s, as in the trace. */
  private static final Duration SETTLE = Duration.ofSeconds(4);

  private static final Pattern VM_ROW = Pattern.compile("data-vm=\"([^\"]+)\"");

  @Test
  void aBurstStartsOnPoolRunnersAndThePoolIsRefilledWithThreeHandlersAKillAndDuplicateTasks()
      throws Exception {
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
                Integer.toString(MAX_INSTANCES),
                "AUTORUNNER_LIMITS_SETTLE_WINDOW",
                "1s",
                "AUTORUNNER_RECONCILE_EVERY",
                "2s"),
            Map.of("AUTORUNNER_TASKS_LOCAL_DUPLICATE_FRACTION", "0.3"),
            HANDLERS,
            github -> github.addRepository(REPO, true));
    try (LocalSystem system =
        LocalSystem.start(
            Path.of("..").toAbsolutePath().normalize(), Path.of("target/warm-pool"), options)) {
      FakeGitHub github = system.github();
      // A boot far slower than the pool's answer: a job that waited for a cold VM would show it.
      system.gce().setBootDelay(Duration.ofSeconds(6));
      github.setRunTime(Duration.ofSeconds(4));

      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> idlePoolRunners(github) == SIZE);
      // Three instances sweeping on their own timers saw the same gaps: one VM per place.
      assertThat(poolVms(system)).containsExactlyInAnyOrder(poolNames());
      assertThat(statusPagesAgree(system)).containsExactlyInAnyOrder(poolNames());

      List<Long> burst = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        burst.add(github.queueJob(REPO, GPU));
        if (i == 1) {
          system.killHandler(1);
        }
      }
      Thread.sleep(2000);
      system.restartHandler(1);

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> burst.stream().allMatch(id -> github.job(id).get().completed()));
      List<Job> jobs = burst.stream().map(id -> github.job(id).orElseThrow()).toList();
      assertThat(jobs).extracting(Job::conclusion).containsOnly("success");
      List<Duration> waits =
          jobs.stream().map(j -> Duration.between(j.createdAt(), j.startedAt())).sorted().toList();
      assertThat(waits.subList(0, SIZE))
          .as("the first %d jobs of the burst start with no VM to boot", SIZE)
          .allMatch(wait -> wait.compareTo(Duration.ofSeconds(5)) < 0);
      assertThat(jobs.stream().filter(j -> j.runnerName().startsWith("ghr-p-gpu-")).count())
          .as("jobs that ran on a runner the pool made")
          .isGreaterThanOrEqualTo(SIZE);

      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  idlePoolRunners(github) == SIZE
                      && system.gce().instances().size() == SIZE
                      && github.runners().size() == SIZE);
      assertThat(poolVms(system)).hasSize(SIZE);
      assertThat(statusPagesAgree(system))
          .as("every instance's status page, the restarted one too")
          .containsExactlyInAnyOrderElementsOf(poolVms(system));
      assertThat(VmLifetime.peakAliveOlderThan(system.gce().lifetimes(), SETTLE, Instant.now()))
          .as("VMs alive at once past the settle window")
          .isLessThanOrEqualTo(MAX_INSTANCES);
    }
  }

  private static String[] poolNames() {
    String[] names = new String[SIZE];
    for (int i = 0; i < SIZE; i++) {
      names[i] = "ghr-p-gpu-" + (i + 1);
    }
    return names;
  }

  /** The VMs each instance's status page lists, which must be the same on every one. */
  private static Set<String> statusPagesAgree(LocalSystem system)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    Set<String> first = null;
    for (int i = 0; i < system.handlerInstances(); i++) {
      URI page = system.handler(i).url().resolve("/status");
      HttpResponse<String> answer =
          http.send(
              HttpRequest.newBuilder(page).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as("status page of instance %d", i).isEqualTo(200);
      Set<String> vms = new TreeSet<>();
      Matcher m = VM_ROW.matcher(answer.body());
      while (m.find()) {
        vms.add(m.group(1));
      }
      if (first == null) {
        first = vms;
      } else {
        assertThat(vms).as("VMs on instance %d's status page", i).isEqualTo(first);
      }
    }
    return first;
  }

  private static long idlePoolRunners(FakeGitHub github) {
    return github.runners().stream()
        .filter(r -> r.name().startsWith("ghr-p-gpu-") || r.labels().containsAll(GPU))
        .filter(r -> "online".equals(r.status()) && !r.busy())
        .count();
  }

  private static List<String> poolVms(LocalSystem system) {
    return system.gce().instances().stream()
        .filter(vm -> "gpu".equals(vm.labels().get("autorunner-pool")))
        .map(FakeInstance::name)
        .toList();
  }
}
