package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import io.autorunner.testkit.github.Runner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Cloud Tasks delivers at least once: here every task reaches two handler instances at the same
 * moment (the local queue's {@code duplicate-fraction} at 1). Each job still gets one VM, booting
 * with the runner config GitHub registered for it, and a preempted job is re-run once.
 */
class DuplicateDeliveryTest {

  private static final String REPO = "acme/models";

  /**
   * A machine type each, so no job can be given another's runner (GitHub hands a job any idle
   * runner whose labels it fits, and the replacement that follows is right but not what this test
   * counts): what varies is only how often each task comes.
   */
  private static final List<String> MACHINES =
      List.of(
          "e2-standard-2",
          "e2-standard-8",
          "e2-standard-16",
          "n1-standard-2",
          "n1-standard-8",
          "n2-standard-2",
          "n2-standard-4",
          "n2-standard-8");

  private static final int JOBS = MACHINES.size();

  @Test
  void everyTaskDeliveredTwiceAtOnceMakesOneVmPerJobAndOneRerunPerPreemption() throws Exception {
    LocalSystem.Options options =
        new LocalSystem.Options(
            Map.of("AUTORUNNER_LIMITS_MAX_INSTANCES", "20"),
            Map.of("AUTORUNNER_TASKS_LOCAL_DUPLICATE_FRACTION", "1"),
            2,
            github -> github.addRepository(REPO, true));
    try (LocalSystem system =
        LocalSystem.start(
            Path.of("..").toAbsolutePath().normalize(), Path.of("target/duplicates"), options)) {
      FakeGitHub github = system.github();
      system.gce().setBootDelay(Duration.ofMillis(500));
      github.setRunTime(Duration.ofSeconds(3));
      List<Long> queued = new ArrayList<>();
      for (String machine : MACHINES) {
        queued.add(github.queueJob(REPO, List.of("self-hosted", "gce", machine)));
      }
      long preempted =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(() -> preemptOneBusyVm(system), Optional::isPresent)
              .orElseThrow();

      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  github.jobs().stream().allMatch(Job::completed)
                      && github.jobs().size() == JOBS + 1
                      && system.gce().instances().isEmpty()
                      && github.runners().isEmpty());

      List<Job> all = github.jobs();
      assertThat(all.stream().filter(j -> j.rerunOf() != null).map(Job::rerunOf))
          .as("re-runs: the preempted job, once")
          .containsExactly(preempted);
      assertThat(all)
          .filteredOn(j -> j.id() != preempted)
          .allSatisfy(j -> assertThat(j.conclusion()).as("job %d", j.id()).isEqualTo("success"));
      assertThat(system.gce().created())
          .as("VMs: one per job and one for the re-run, however often each create came")
          .hasSize(JOBS + 1);
      assertThat(github.issuedJitConfigs().size())
          .as("runners minted: one per VM, none dropped by a concurrent create")
          .isEqualTo(JOBS + 1);
      assertThat(github.refusedRunnerBoots())
          .as("VMs that booted with a config GitHub no longer took")
          .isZero();
      assertThat(system.schedulerLogLines("dispatched twice at once"))
          .as("tasks delivered twice: at least each job's create and delete")
          .hasSizeGreaterThanOrEqualTo(2 * queued.size());
    }
  }

  /** Preempts a VM whose runner is busy with a job, if there is one now; that job's id. */
  private static Optional<Long> preemptOneBusyVm(LocalSystem system) {
    for (Runner runner : system.github().runners()) {
      if (runner.busy() && runner.jobId() != null && system.gce().preempt(runner.name())) {
        return Optional.of(runner.jobId());
      }
    }
    return Optional.empty();
  }
}
