package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.Delivery;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import io.autorunner.testkit.github.Runner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Both services for real (their jars), wired through the local queue, against the stateful fakes: a
 * trace of jobs in bursts with redeliveries, cancellations, GCE 503s, a zone out of GPUs and Spot
 * preemptions. Its assertions are the design's invariants. {@code -De2e.jobs=N} runs a longer
 * trace.
 */
class EndToEndSimulationTest {

  private static final String REPO = "acme/models";
  private static final List<List<String>> MATRIX =
      List.of(
          List.of("self-hosted", "gce"),
          List.of("self-hosted", "gce", "gpu"),
          List.of("self-hosted", "gce", "gpu=2"),
          List.of("self-hosted", "gce", "n1-standard-8"),
          List.of("self-hosted", "gce", "gpu=nvidia-l4"));

  @Test
  void aBurstyTraceKeepsEveryInvariant() throws Exception {
    int jobs = Integer.getInteger("e2e.jobs", 200);
    Path root = Path.of("..").toAbsolutePath().normalize();
    for (String jar :
        List.of(
            "scheduler-service/target/scheduler-service.jar",
            "handler-service/target/handler-service.jar")) {
      assertThat(root.resolve(jar))
          .as("build the services first (./mvnw -B verify builds them before this module)")
          .exists();
    }
    Map<String, String> handlerEnv =
        Map.of(
            "AUTORUNNER_LIMITS_MAX_INSTANCES", "100",
            "AUTORUNNER_RECONCILE_EVERY", "3s",
            "AUTORUNNER_RECONCILE_QUEUED_GRACE", "10s",
            "AUTORUNNER_RECONCILE_BOOT_TIMEOUT", "20s",
            "AUTORUNNER_RECONCILE_ORPHAN_RUNNER_GRACE", "15s",
            "AUTORUNNER_RECONCILE_MAX_CREATES_PER_RUN", "20",
            "AUTORUNNER_RECONCILE_REPOSITORIES", REPO);
    long start = System.nanoTime();
    try (LocalSystem system = LocalSystem.start(root, Path.of("target/e2e"), handlerEnv)) {
      FakeGitHub github = system.github();
      github.setSeed(42);
      github.setRunTime(Duration.ofMillis(800));
      github.setRedeliveryFraction(0.10);
      system.gce().setSeed(42);
      system.gce().setBootDelay(Duration.ofMillis(300));
      system.gce().exhaustGpuCapacity("us-central1-a");
      system.gce().failRandomly(0.05);

      Random random = new Random(7);
      List<Long> queued = new ArrayList<>();
      Set<Long> cancelled = new HashSet<>();
      Set<Long> preempted = new HashSet<>();
      int bursts = Math.max(1, jobs / 20);
      for (int burst = 0; burst < bursts; burst++) {
        List<Long> thisBurst = new ArrayList<>();
        for (int i = 0; i < jobs / bursts; i++) {
          thisBurst.add(github.queueJob(REPO, MATRIX.get(random.nextInt(MATRIX.size()))));
        }
        queued.addAll(thisBurst);
        // 5% of jobs are cancelled while they queue.
        for (int c = 0; c < thisBurst.size() / 20; c++) {
          long victim = thisBurst.get(random.nextInt(thisBurst.size()));
          if (github.cancel(victim)) {
            cancelled.add(victim);
          }
        }
        Thread.sleep(1000);
        // A few Spot preemptions of VMs busy with a job.
        if (burst % 3 == 1) {
          preemptOneBusyVm(system).ifPresent(preempted::add);
        }
      }
      boolean drained = awaitDrained(system, Duration.ofMinutes(5));

      List<Job> all = github.jobs();
      List<FakeInstance> created = system.gce().created();
      List<Delivery> deliveries = github.deliveries();
      long succeeded = all.stream().filter(j -> "success".equals(j.conclusion())).count();
      long failed = all.stream().filter(j -> "failure".equals(j.conclusion())).count();
      long reruns = all.stream().filter(j -> j.rerunOf() != null).count();
      long replacements =
          created.size() - github.vmsPerJob().values().stream().filter(n -> n > 0).count();
      long non2xx = deliveries.stream().filter(d -> !d.answered2xx()).count();
      Map<Long, Long> vmsPerJob = new TreeMap<>(github.vmsPerJob());
      Map<Long, Long> histogram =
          vmsPerJob.values().stream()
              .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
      System.out.printf(
          "e2e: jobs=%d cancelled=%d succeeded=%d failed(preempted)=%d reruns=%d vms=%d"
              + " replacements=%d"
              + " vmsPerJob=%s deliveries=%d redelivered=%d non2xx=%d vmsLeft=%d runnersLeft=%d"
              + " seconds=%.0f%n",
          all.size(),
          cancelled.size(),
          succeeded,
          failed,
          reruns,
          created.size(),
          replacements,
          histogram,
          deliveries.size(),
          deliveries.stream().filter(Delivery::redelivery).count(),
          non2xx,
          system.gce().instances().size(),
          github.runners().size(),
          (System.nanoTime() - start) / 1e9);
      Files.writeString(
          Path.of("target/e2e/summary.txt"), "vms per job: " + vmsPerJob + System.lineSeparator());

      assertThat(drained).as("every job ends and every VM and runner goes").isTrue();
      assertThat(preempted).as("the trace preempted some VMs mid-job").isNotEmpty();
      for (Job job : all) {
        if (cancelled.contains(job.id())) {
          continue;
        }
        assertThat(job.completed()).as("job %d ran", job.id()).isTrue();
        if ("failure".equals(job.conclusion())) {
          assertThat(preempted)
              .as("job %d failed only by a preemption", job.id())
              .contains(job.id());
          assertThat(all)
              .as("preempted job %d was re-run and its re-run succeeded", job.id())
              .anyMatch(
                  r ->
                      Long.valueOf(job.id()).equals(r.rerunOf())
                          && "success".equals(r.conclusion()));
        } else if (!"cancelled".equals(job.conclusion())) {
          assertThat(job.conclusion()).as("job %d", job.id()).isEqualTo("success");
        }
      }
      // One queued job, one VM: a job gets another VM only when one made for it was taken by
      // another job (GitHub gives a job to any matching runner) or was preempted under it.
      for (Map.Entry<Long, Long> entry : vmsPerJob.entrySet()) {
        long job = entry.getKey();
        Set<String> names =
            created.stream()
                .filter(vm -> Long.toString(job).equals(vm.labels().get("autorunner-job-id")))
                .map(FakeInstance::name)
                .collect(Collectors.toSet());
        long taken =
            all.stream()
                .filter(other -> other.id() != job && names.contains(other.runnerName()))
                .count();
        long lost = preempted.contains(job) ? 1 : 0;
        assertThat(entry.getValue())
            .as("VMs for job %d (%s): its own plus one per VM another job took", job, names)
            .isLessThanOrEqualTo(1 + taken + lost);
      }
      assertThat(system.gce().instances()).as("VMs left").isEmpty();
      assertThat(github.runners()).as("runners left").isEmpty();
      assertThat(non2xx).as("deliveries answered outside 2xx").isZero();
    }
  }

  /** Waits briefly for a VM whose runner runs a job, and preempts it; the job's id if done. */
  private static java.util.Optional<Long> preemptOneBusyVm(LocalSystem system)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      for (Runner runner : system.github().runners()) {
        if (runner.busy() && runner.jobId() != null && system.gce().preempt(runner.name())) {
          return java.util.Optional.of(runner.jobId());
        }
      }
      Thread.sleep(50);
    }
    return java.util.Optional.empty();
  }

  private static boolean awaitDrained(LocalSystem system, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (system.github().jobs().stream().allMatch(Job::completed)
          && system.gce().instances().isEmpty()
          && system.github().runners().isEmpty()) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }
}
