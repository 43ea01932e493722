package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A warm pool against the fakes, with two handler instances: the pool fills before any job, a job
 * with the pool's labels starts on a pool runner without waiting for a VM to boot, the pool is
 * refilled while it runs, and it never holds more than its size in ready VMs.
 */
class WarmPoolEndToEndTest {

  private static final String REPO = "acme/models";
  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");

  @Test
  void aJobStartsOnAReadyPoolRunnerAndThePoolIsRefilled() throws Exception {
    LocalSystem.Options options =
        new LocalSystem.Options(
            Map.of(
                "AUTORUNNER_POOLS_GPU_LABELS", String.join(",", GPU),
                "AUTORUNNER_POOLS_GPU_SIZE", "2",
                "AUTORUNNER_POOLS_GPU_SCOPE", "acme"),
            Map.of(),
            2,
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
          .until(() -> idlePoolRunners(github) == 2);
      assertThat(poolVms(system)).hasSize(2);

      long job = github.queueJob(REPO, GPU);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> github.job(job).map(j -> j.startedAt() != null).orElse(false));
      Job started = github.job(job).orElseThrow();
      assertThat(started.runnerName()).as("a pool runner took it").startsWith("ghr-p-gpu-");
      assertThat(Duration.between(started.createdAt(), started.startedAt()))
          .as("queued → started, with no VM to boot")
          .isLessThan(Duration.ofSeconds(5));

      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  github.job(job).map(Job::completed).orElse(false)
                      && idlePoolRunners(github) == 2
                      && poolVms(system).size() == 2);
      assertThat(github.job(job).orElseThrow().conclusion()).isEqualTo("success");
      assertThat(github.refusedRunnerConfigs()).as("VMs refused their runner").isZero();
    }
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
