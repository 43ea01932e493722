package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.gce.VmLifetime;
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
 * Both services for real (their jars), wired through the local queue, against the stateful fakes,
 * in the production shape: three handler instances behind a round-robin front, the queue
 * dispatching up to 10 tasks at once, one instance killed with SIGKILL and started again mid-trace,
 * every instance reconciling on its own timer (so reconciles overlap), a tight VM cap, an
 * organisation repository outside the allow-list whose jobs carry our labels, and queued webhooks
 * GitHub fails to deliver. The trace: jobs in bursts with redeliveries, cancellations, GCE 503s, a
 * zone out of GPUs and Spot preemptions, and a tenth of the tasks delivered twice at once; most
 * jobs bind their runner with the README's {@code bind=} label, some do not. Its assertions are the
 * design's invariants; its summary line counts the VMs that ran a job of another shape than the one
 * they were made for ({@code ranOtherShape}). {@code -De2e.jobs=N} runs a longer trace, {@code
 * -De2e.unbound=P} one with P% of its jobs unbound.
 */
class EndToEndSimulationTest {

  private static final List<String> ALLOWED = List.of("acme/models", "acme/vision");
  private static final String FOREIGN = "acme/untrusted";
  private static final int HANDLERS = 3;
  private static final int MAX_INSTANCES = 15;
  private static final int MAX_REPLACEMENTS = 2;

  /**
   * Production's settle window is 15 s, well inside a VM's boot; VMs here boot in 4 s, so the
   * handlers take back an overshoot after 1 s and the cap is judged past 4 s (the window plus a
   * reconcile interval and a delete).
   */
  private static final Duration SETTLE = Duration.ofSeconds(4);

  private static final List<List<String>> MATRIX =
      List.of(
          List.of("self-hosted", "gce"),
          List.of("self-hosted", "gce", "gpu"),
          List.of("self-hosted", "gce", "gpu=2"),
          List.of("self-hosted", "gce", "n1-standard-8"),
          List.of("self-hosted", "gce", "gpu=nvidia-l4"));

  /**
   * The README's binding label, for a job whose id is {@code sim}; one job per run here, so the
   * run's id alone tells the jobs apart.
   */
  private static final String BIND =
      "bind=sim-${{ github.run_id }}-${{ github.run_attempt }}-${{ strategy.job-index }}";

  /**
   * Jobs in a hundred without a binding label: these may take the VM made for another shape (and
   * each other's). {@code -De2e.unbound=100} runs the trace with no job bound.
   */
  private static final int UNBOUND_PERCENT = Integer.getInteger("e2e.unbound", 15);

  @Test
  void aBurstyTraceKeepsEveryInvariantWithThreeHandlersAKillAndASharedOrganisation()
      throws Exception {
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
    String allowed = String.join(",", ALLOWED);
    Map<String, String> handlerEnv = new java.util.LinkedHashMap<>();
    handlerEnv.put("AUTORUNNER_LIMITS_MAX_INSTANCES", Integer.toString(MAX_INSTANCES));
    handlerEnv.put("AUTORUNNER_RECONCILE_EVERY", "2s");
    handlerEnv.put("AUTORUNNER_LIMITS_SETTLE_WINDOW", "1s");
    handlerEnv.put("AUTORUNNER_RECONCILE_QUEUED_GRACE", "10s");
    handlerEnv.put("AUTORUNNER_RECONCILE_BOOT_TIMEOUT", "20s");
    handlerEnv.put("AUTORUNNER_RECONCILE_ORPHAN_RUNNER_GRACE", "20s");
    handlerEnv.put("AUTORUNNER_RECONCILE_MAX_CREATES_PER_RUN", "20");
    handlerEnv.put("AUTORUNNER_ROUTING_ALLOWED_REPOSITORIES", allowed);
    LocalSystem.Options options =
        new LocalSystem.Options(
            handlerEnv,
            Map.of(
                "AUTORUNNER_ROUTING_ALLOWED_REPOSITORIES",
                allowed,
                // Cloud Tasks delivers at least once: a tenth of the tasks come twice at once.
                "AUTORUNNER_TASKS_LOCAL_DUPLICATE_FRACTION",
                "0.1"),
            HANDLERS,
            github -> {
              ALLOWED.forEach(repo -> github.addRepository(repo, true));
              github.addRepository(FOREIGN, true);
            });
    long start = System.nanoTime();
    try (LocalSystem system = LocalSystem.start(root, Path.of("target/e2e"), options)) {
      FakeGitHub github = system.github();
      github.setSeed(42);
      github.setRunTime(Duration.ofSeconds(2));
      github.setRedeliveryFraction(0.10);
      github.loseQueuedDeliveries(0.05);
      system.gce().setSeed(42);
      // A real VM takes tens of seconds from its insert to a runner online; here four, still
      // longer than a create takes to see its insert done and check the cap.
      system.gce().setBootDelay(Duration.ofSeconds(4));
      system.gce().exhaustGpuCapacity("us-central1-a");
      system.gce().failRandomly(0.05);

      Random random = new Random(7);
      // Its own stream, so which jobs bind leaves the rest of the trace as it was.
      Random binding = new Random(11);
      Set<Long> cancelled = new HashSet<>();
      Set<Long> preempted = new HashSet<>();
      Set<Long> foreign = new HashSet<>();
      int bursts = Math.max(1, jobs / 20);
      int killedAt = Math.min(3, bursts - 1);
      int restartedAt = Math.min(5, bursts);
      for (int burst = 0; burst < bursts; burst++) {
        if (burst == killedAt) {
          system.killHandler(1);
        }
        if (burst == restartedAt) {
          system.restartHandler(1);
        }
        List<Long> thisBurst = new ArrayList<>();
        for (int i = 0; i < jobs / bursts; i++) {
          List<String> labels = new ArrayList<>(MATRIX.get(random.nextInt(MATRIX.size())));
          if (binding.nextInt(100) >= UNBOUND_PERCENT) {
            labels.add(BIND);
          }
          if (random.nextInt(20) == 0) {
            foreign.add(github.queueJob(FOREIGN, labels));
          } else {
            thisBurst.add(github.queueJob(ALLOWED.get(random.nextInt(ALLOWED.size())), labels));
          }
        }
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
      if (restartedAt >= bursts) {
        system.restartHandler(1);
      }
      // At the cap a job slot turns over in about 7 s (boot, run, delete): 15 slots serve some two
      // jobs
      // a second, so a longer trace needs a longer drain.
      Duration drainFor = Duration.ofMinutes(8).plusSeconds(Math.max(0, jobs - 200));
      boolean drained = awaitDrained(system, foreign, drainFor);
      // Nobody may serve the untrusted repository's jobs: they wait until their run is cancelled.
      List<Job> foreignJobs =
          github.jobs().stream().filter(j -> FOREIGN.equals(j.repository())).toList();
      foreign.forEach(github::cancel);

      List<Job> all = github.jobs();
      List<Job> ours = all.stream().filter(j -> !FOREIGN.equals(j.repository())).toList();
      List<FakeInstance> created = system.gce().created();
      List<VmLifetime> lifetimes = system.gce().lifetimes();
      List<Delivery> deliveries = github.deliveries();
      Set<String> ranAJob =
          all.stream().map(Job::runnerName).filter(n -> n != null).collect(Collectors.toSet());
      // A create that lost the race for the last place under the cap deletes its VM again at
      // once and says so; such a VM never served and never stood past the settle window.
      Set<String> undone = new HashSet<>();
      java.util.regex.Pattern undoneVm =
          java.util.regex.Pattern.compile("VM (\\S+) was one too many");
      for (String line : system.handlerLogLines("was one too many")) {
        java.util.regex.Matcher m = undoneVm.matcher(line);
        while (m.find()) {
          undone.add(m.group(1));
        }
      }
      // So does one another create or the sweep took back over the cap, or whose undo's delete
      // failed: none of them was ever handed a runner.
      java.util.regex.Pattern takenBack =
          java.util.regex.Pattern.compile(
              "VM (\\S+) deleted \\((stood over the cap past the settle window"
                  + "|retired, but its delete had not finished"
                  + "|over autorunner\\.limits\\.max-instances=\\d+)\\)");
      for (String line : system.handlerLogLines(" deleted (")) {
        java.util.regex.Matcher m = takenBack.matcher(line);
        while (m.find()) {
          undone.add(m.group(1));
        }
      }
      long succeeded = ours.stream().filter(j -> "success".equals(j.conclusion())).count();
      long failed = ours.stream().filter(j -> "failure".equals(j.conclusion())).count();
      long reruns = ours.stream().filter(j -> j.rerunOf() != null).count();
      long non2xx =
          deliveries.stream().filter(d -> d.reachedReceiver() && !d.answered2xx()).count();
      Set<Long> lostQueued =
          deliveries.stream()
              .filter(d -> "queued".equals(d.action()) && !d.reachedReceiver())
              .map(Delivery::jobId)
              .filter(id -> !foreign.contains(id))
              .collect(Collectors.toSet());
      Map<Long, Long> vmsPerJob = new TreeMap<>();
      for (FakeInstance vm : created) {
        String id = vm.labels().get("autorunner-job-id");
        if (id != null && !undone.contains(vm.name())) {
          vmsPerJob.merge(Long.parseLong(id), 1L, Long::sum);
        }
      }
      ours.forEach(j -> vmsPerJob.putIfAbsent(j.id(), 0L));
      long replacements = vmsPerJob.values().stream().mapToLong(n -> Math.max(0, n - 1)).sum();
      Map<Long, Long> histogram =
          vmsPerJob.values().stream()
              .collect(Collectors.groupingBy(n -> n, TreeMap::new, Collectors.counting()));
      int peak = VmLifetime.peakAliveOlderThan(lifetimes, SETTLE, java.time.Instant.now());
      int rawPeak =
          VmLifetime.peakAliveOlderThan(lifetimes, Duration.ZERO, java.time.Instant.now());
      long foreignOnOurs =
          foreignJobs.stream()
              .filter(j -> j.runnerName() != null && j.runnerName().startsWith("ghr-"))
              .count();
      Map<Long, Long> rerunsPerJob =
          ours.stream()
              .filter(j -> j.rerunOf() != null)
              .collect(Collectors.groupingBy(Job::rerunOf, Collectors.counting()));
      long lostServed =
          lostQueued.stream()
              .filter(id -> !cancelled.contains(id))
              .filter(id -> servedOrRerunSucceeded(id, all))
              .count();
      long lostToServe = lostQueued.stream().filter(id -> !cancelled.contains(id)).count();
      Map<String, Long> madeFor = new TreeMap<>();
      for (FakeInstance vm : created) {
        String id = vm.labels().get("autorunner-job-id");
        if (id != null) {
          madeFor.putIfAbsent(vm.name(), Long.parseLong(id));
        }
      }
      long ranOtherShape = ShapeCrossings.ranOtherShape(madeFor, all);
      List<Long> boundElsewhere = ShapeCrossings.boundOnAnotherJobsVm(madeFor, ours);
      System.out.printf(
          "e2e: handlers=%d killed=1 jobs=%d cancelled=%d succeeded=%d failed(preempted)=%d"
              + " reruns=%d bound=%d vms=%d undoneOverCap=%d replacements=%d vmsPerJob=%s"
              + " ranOtherShape=%d boundOnAnotherJobsVm=%d"
              + " maxVmsPastSettle=%d/%d maxVmsAtOnce=%d foreignJobs=%d foreignOnOurRunners=%d"
              + " lostQueuedDeliveries=%d lostServed=%d preempted=%d rerunAtMostOnce=%d"
              + " deliveries=%d redelivered=%d tasksDeliveredTwice=%d deadConfigBoots=%d"
              + " refusedRunnerConfigs=%d"
              + " non2xx=%d vmsLeft=%d runnersLeft=%d"
              + " seconds=%.0f%n",
          HANDLERS,
          ours.size(),
          cancelled.size(),
          succeeded,
          failed,
          reruns,
          ShapeCrossings.bound(ours),
          created.size(),
          undone.size(),
          replacements,
          histogram,
          ranOtherShape,
          boundElsewhere.size(),
          peak,
          MAX_INSTANCES,
          rawPeak,
          foreignJobs.size(),
          foreignOnOurs,
          lostToServe,
          lostServed,
          preempted.size(),
          preempted.stream().filter(id -> rerunsPerJob.getOrDefault(id, 0L) <= 1).count(),
          deliveries.size(),
          deliveries.stream().filter(Delivery::redelivery).count(),
          system.schedulerLogLines("dispatched twice at once").size(),
          github.refusedRunnerBoots(),
          github.refusedRunnerConfigs(),
          non2xx,
          system.gce().instances().size(),
          github.runners().size(),
          (System.nanoTime() - start) / 1e9);
      if (peak > MAX_INSTANCES) {
        printPeak(lifetimes);
      }
      ours.stream()
          .filter(j -> "failure".equals(j.conclusion()) && !preempted.contains(j.id()))
          .forEach(
              j ->
                  System.out.printf(
                      "e2e: job %d failed on %s (not preempted by the trace)%n",
                      j.id(), j.runnerName()));
      Files.writeString(
          Path.of("target/e2e/summary.txt"), "vms per job: " + vmsPerJob + System.lineSeparator());

      assertThat(drained).as("every job ends and every VM and runner goes").isTrue();
      assertThat(preempted).as("the trace preempted some VMs mid-job").isNotEmpty();
      assertThat(peak)
          .as("VMs alive at once past the %s settle window", SETTLE)
          .isLessThanOrEqualTo(MAX_INSTANCES);
      assertThat(foreignJobs).as("the trace queued jobs in the untrusted repository").isNotEmpty();
      assertThat(foreignOnOurs).as("untrusted repository's jobs on our runners").isZero();
      assertThat(lostToServe).as("the trace lost some queued webhooks").isPositive();
      assertThat(lostServed)
          .as("jobs whose queued webhook was lost, served")
          .isEqualTo(lostToServe);
      for (Job job : ours) {
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
      // Once per preemption, however often the delete task comes: a preempted job that failed is
      // re-run exactly once; one that finished before its VM went is not re-run at all.
      for (long job : preempted) {
        boolean failedByIt =
            all.stream().anyMatch(j -> j.id() == job && "failure".equals(j.conclusion()));
        assertThat(rerunsPerJob.getOrDefault(job, 0L))
            .as("re-runs of preempted job %d", job)
            .isEqualTo(failedByIt ? 1L : 0L);
      }
      // One queued job, one VM: a job gets another VM only when one made for it was taken by
      // another job (GitHub gives a job to any matching runner) or was preempted under it, or as
      // one of the reconciler's replacements for VMs that came to nothing, which the shared
      // ledger bounds per job (autorunner.reconcile.max-replacements-per-job, 2).
      for (Map.Entry<Long, Long> entry : vmsPerJob.entrySet()) {
        long job = entry.getKey();
        Set<String> names =
            created.stream()
                .filter(vm -> Long.toString(job).equals(vm.labels().get("autorunner-job-id")))
                .map(FakeInstance::name)
                .filter(name -> !undone.contains(name))
                .collect(Collectors.toSet());
        long taken =
            all.stream()
                .filter(other -> other.id() != job && names.contains(other.runnerName()))
                .count();
        long lost = preempted.contains(job) ? 1 : 0;
        assertThat(entry.getValue())
            .as(
                "VMs for job %d (%s): its own, one per VM another job took, and at most the"
                    + " replacement bound",
                job, names)
            .isLessThanOrEqualTo(1 + taken + lost + MAX_REPLACEMENTS);
      }
      // A job with a label no other job has can run only on a runner made for it. At least half
      // the share asked for is bound, and some job is not (unless every one is asked to be).
      assertThat(ShapeCrossings.bound(ours))
          .as("jobs of the trace with a binding label")
          .isBetween(
              (long) ours.size() * (100 - UNBOUND_PERCENT) / 200,
              UNBOUND_PERCENT == 0 ? ours.size() : ours.size() - 1L);
      assertThat(boundElsewhere).as("jobs with a binding label on another job's VM").isEmpty();
      assertThat(system.gce().instances()).as("VMs left").isEmpty();
      assertThat(github.runners()).as("runners left").isEmpty();
      assertThat(non2xx).as("deliveries answered outside 2xx").isZero();
      List<String> configs = github.issuedJitConfigs();
      for (var inserted : system.gce().inserted()) {
        String body = inserted.resource().toString();
        assertThat(configs)
            .as("runner configs in what %s was inserted with", inserted.name())
            .noneMatch(body::contains);
      }
    }
  }

  /** The VMs standing past the settle window at the moment there were most of them. */
  private static void printPeak(List<VmLifetime> lifetimes) {
    java.time.Instant worst = null;
    long most = -1;
    for (VmLifetime candidate : lifetimes) {
      java.time.Instant at = candidate.inserted().plus(SETTLE);
      long count =
          lifetimes.stream()
              .filter(v -> v.aliveAt(at) && !v.inserted().plus(SETTLE).isAfter(at))
              .count();
      if (count > most) {
        most = count;
        worst = at;
      }
    }
    java.time.Instant at = worst;
    lifetimes.stream()
        .filter(v -> v.aliveAt(at) && !v.inserted().plus(SETTLE).isAfter(at))
        .forEach(
            v ->
                System.out.printf(
                    "e2e: at %s %s inserted %s deleted %s%n",
                    at, v.name(), v.inserted(), v.deleted()));
  }

  /** The job succeeded, or it failed by a preemption and its re-run succeeded. */
  private static boolean servedOrRerunSucceeded(long id, List<Job> all) {
    return all.stream()
        .anyMatch(
            j ->
                (j.id() == id || Long.valueOf(id).equals(j.rerunOf()))
                    && "success".equals(j.conclusion()));
  }

  /**
   * Waits briefly for a VM whose runner runs a first attempt, and preempts it; the job's id if
   * done. A re-run is left alone: with {@code max-reruns=1} a preempted re-run stays failed by
   * design, which the trace's invariant (a preempted job's re-run succeeds) would misread.
   */
  private static java.util.Optional<Long> preemptOneBusyVm(LocalSystem system)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      for (Runner runner : system.github().runners()) {
        if (runner.busy()
            && runner.jobId() != null
            && system.github().job(runner.jobId()).map(j -> j.rerunOf() == null).orElse(false)
            && system.gce().preempt(runner.name())) {
          return java.util.Optional.of(runner.jobId());
        }
      }
      Thread.sleep(50);
    }
    return java.util.Optional.empty();
  }

  /** Every job but the untrusted repository's ends, and every VM and runner goes. */
  private static boolean awaitDrained(LocalSystem system, Set<Long> foreign, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (system.github().jobs().stream()
              .filter(j -> !foreign.contains(j.id()))
              .allMatch(Job::completed)
          && system.gce().instances().isEmpty()
          && system.github().runners().isEmpty()) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }
}
