package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.testkit.boot.BootModel;
import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.Delivery;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import io.autorunner.testkit.github.VmBoot;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How long a job waits from {@code queued} to its start, with both services for real against the
 * fakes and each VM's life on the {@link BootModel}'s clock (20 real seconds a simulated one).
 * After a few unmeasured jobs (the JVMs' warm-up): a burst of 50 jobs on the default Debian image
 * (everything installed at boot), a burst of 50 on a baked image (an image alias naming the {@code
 * autorunner-cpu} family), a trickle of 30 jobs, one every 10 real seconds, that a warm pool of 5
 * baked runners serves, and a burst of twice the pool on the refilled pool. The waits are scaled
 * back to real seconds (only the compressed waits of the VM a job waited on; the services' own work
 * counts as measured); the bursts also give the time from each job's {@code queued} webhook to its
 * VM's insert. One line per scenario: the README's "Start latency" tables come from them. The
 * assertions are relations only (every job served, medians warm before baked before unbaked):
 * absolute timings on a shared 2-core machine would flake.
 */
class StartLatencySimulationTest {

  private static final int COMPRESSION = 20;
  private static final String REPO = "acme/app";
  private static final String BAKED_CPU_FAMILY =
      "projects/local-demo/global/images/family/autorunner-cpu";
  private static final int BURST = 50;
  private static final int WARM_JOBS = 30;
  private static final int POOL_SIZE = 5;
  private static final int WARM_UP = 10;

  /** Ten real seconds between two jobs of the trickle. */
  private static final Duration WARM_GAP = Duration.ofSeconds(10).dividedBy(COMPRESSION);

  /** A label no other job has: each cold job starts on the VM made for it (README, binding). */
  private static final String BIND =
      "bind=lat-${{ github.run_id }}-${{ github.run_attempt }}-${{ strategy.job-index }}";

  private static final List<String> UNBAKED = List.of("self-hosted", "gce", BIND);
  private static final List<String> BAKED = List.of("self-hosted", "gce", "image=baked", BIND);
  private static final List<String> POOL = List.of("self-hosted", "gce", "image=baked");

  private final BootModel model = new BootModel(COMPRESSION);

  @Test
  void aWarmPoolStartsJobsBeforeABakedImageAndABakedImageBeforeAnUnbakedOne() throws Exception {
    Map<String, String> handlerEnv = new HashMap<>();
    handlerEnv.put("AUTORUNNER_POLICY_IMAGEALIASES_BAKED", BAKED_CPU_FAMILY);
    handlerEnv.put("AUTORUNNER_LIMITS_MAX_INSTANCES", "150");
    handlerEnv.put("AUTORUNNER_POOLS_WARM_LABELS", String.join(",", POOL));
    handlerEnv.put("AUTORUNNER_POOLS_WARM_SIZE", Integer.toString(POOL_SIZE));
    handlerEnv.put("AUTORUNNER_POOLS_WARM_SCOPE", "acme");
    LocalSystem.Options options =
        new LocalSystem.Options(
            handlerEnv,
            Map.of("AUTORUNNER_POLICY_IMAGEALIASES_BAKED", BAKED_CPU_FAMILY),
            1,
            github -> {
              github.addRepository(REPO, true);
              github.setGuestBoot(model);
            });
    try (LocalSystem system =
        LocalSystem.start(
            Path.of("..").toAbsolutePath().normalize(), Path.of("target/start-latency"), options)) {
      FakeGitHub github = system.github();
      model.applyTo(system.gce(), github);
      github.setRunTime(Duration.ofSeconds(1));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> idlePoolRunners(github) >= POOL_SIZE);

      // Unmeasured: the services' first requests pay for class loading and the JIT.
      awaitCompleted(github, github.queueRun(REPO, Collections.nCopies(WARM_UP, UNBAKED)));
      List<Long> unbaked = github.queueRun(REPO, Collections.nCopies(BURST, UNBAKED));
      awaitCompleted(github, unbaked);
      List<Long> baked = github.queueRun(REPO, Collections.nCopies(BURST, BAKED));
      awaitCompleted(github, baked);
      List<Long> warm = new ArrayList<>();
      for (int i = 0; i < WARM_JOBS; i++) {
        warm.add(github.queueJob(REPO, POOL));
        Thread.sleep(WARM_GAP.toMillis());
      }
      awaitCompleted(github, warm);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> idlePoolRunners(github) >= POOL_SIZE);
      List<Long> overPool = new ArrayList<>();
      for (int i = 0; i < 2 * POOL_SIZE; i++) {
        overPool.add(github.queueJob(REPO, POOL));
      }
      awaitCompleted(github, overPool);

      Scenario coldUnbaked = measure(system, "cold-unbaked", unbaked);
      Scenario coldBaked = measure(system, "cold-baked", baked);
      Scenario fromPool = measure(system, "warm-pool", warm);
      Scenario burstOverPool = measure(system, "warm-pool-burst-2x", overPool);
      List<Scenario> all = List.of(coldUnbaked, coldBaked, fromPool, burstOverPool);
      all.forEach(scenario -> System.out.println(scenario.line()));

      for (Scenario scenario : all) {
        assertThat(scenario.succeeded())
            .as("%s: jobs served", scenario.name())
            .isEqualTo(scenario.jobs());
      }
      assertThat(fromPool.onPoolRunners())
          .as("warm jobs that started on a pool runner")
          .isGreaterThan(WARM_JOBS / 2);
      assertThat(fromPool.p50())
          .as("median start, warm pool vs baked image")
          .isLessThan(coldBaked.p50());
      assertThat(coldBaked.p50())
          .as("median start, baked vs unbaked image")
          .isLessThan(coldUnbaked.p50());
      assertThat(coldUnbaked.webhookToInsert())
          .as("every job of the burst had its own VM inserted")
          .hasSize(BURST);
    }
  }

  /** One scenario's figures, real-world seconds. */
  record Scenario(
      String name,
      int jobs,
      long succeeded,
      long onPoolRunners,
      List<Duration> queuedToStarted,
      List<Duration> simulated,
      List<Duration> queuedToWebhook,
      List<Duration> webhookToInsert,
      List<Duration> insertToStarted) {

    Duration p50() {
      return percentile(queuedToStarted, 50);
    }

    String line() {
      return String.format(
          "start-latency: scenario=%s jobs=%d served=%d onPoolRunners=%d compression=%d"
              + " queued->started(real) p50=%.1fs p95=%.1fs max=%.1fs"
              + " (simulated p50=%.2fs p95=%.2fs) queued->webhook p50=%dms p95=%dms"
              + " webhook->insert(n=%d) p50=%dms p99=%dms insert->started(real) p50=%.1fs"
              + " p95=%.1fs",
          name,
          jobs,
          succeeded,
          onPoolRunners,
          COMPRESSION,
          seconds(percentile(queuedToStarted, 50)),
          seconds(percentile(queuedToStarted, 95)),
          seconds(percentile(queuedToStarted, 100)),
          seconds(percentile(simulated, 50)),
          seconds(percentile(simulated, 95)),
          percentile(queuedToWebhook, 50).toMillis(),
          percentile(queuedToWebhook, 95).toMillis(),
          webhookToInsert.size(),
          percentile(webhookToInsert, 50).toMillis(),
          percentile(webhookToInsert, 99).toMillis(),
          seconds(percentile(insertToStarted, 50)),
          seconds(percentile(insertToStarted, 95)));
    }
  }

  private Scenario measure(LocalSystem system, String name, List<Long> ids) {
    FakeGitHub github = system.github();
    Map<Long, VmBoot> bootOfRunner = new HashMap<>();
    for (VmBoot boot : github.vmBoots()) {
      if (boot.runnerId() != null) {
        bootOfRunner.put(boot.runnerId(), boot);
      }
    }
    Map<Long, Instant> queuedWebhook = new HashMap<>();
    for (Delivery delivery : github.deliveries()) {
      if ("queued".equals(delivery.action()) && !delivery.redelivery()) {
        queuedWebhook.putIfAbsent(delivery.jobId(), delivery.sentAt());
      }
    }
    Map<Long, Instant> firstInsert = new HashMap<>();
    for (FakeInstance vm : system.gce().created()) {
      String job = vm.labels().get("autorunner-job-id");
      if (job != null && job.matches("[0-9]+")) {
        firstInsert.putIfAbsent(Long.parseLong(job), vm.created());
      }
    }
    List<Duration> real = new ArrayList<>();
    List<Duration> simulated = new ArrayList<>();
    List<Duration> queuedToWebhook = new ArrayList<>();
    List<Duration> webhookToInsert = new ArrayList<>();
    List<Duration> insertToStarted = new ArrayList<>();
    long succeeded = 0;
    long onPool = 0;
    for (long id : ids) {
      Job job = github.job(id).orElseThrow();
      if ("success".equals(job.conclusion())) {
        succeeded++;
      }
      if (job.startedAt() == null) {
        continue;
      }
      if (job.runnerName() != null && job.runnerName().startsWith("ghr-p-warm-")) {
        onPool++;
      }
      VmBoot boot = job.runnerId() == null ? null : bootOfRunner.get(job.runnerId());
      real.add(model.realWorld(job.createdAt(), job.startedAt(), boot));
      simulated.add(Duration.between(job.createdAt(), job.startedAt()));
      Instant sent = queuedWebhook.get(id);
      Instant inserted = firstInsert.get(id);
      if (sent != null) {
        queuedToWebhook.add(Duration.between(job.createdAt(), sent));
      }
      if (sent != null && inserted != null) {
        webhookToInsert.add(Duration.between(sent, inserted));
      }
      if (inserted != null && job.startedAt().isAfter(inserted)) {
        insertToStarted.add(model.realWorld(inserted, job.startedAt(), boot));
      }
    }
    return new Scenario(
        name,
        ids.size(),
        succeeded,
        onPool,
        real,
        simulated,
        queuedToWebhook,
        webhookToInsert,
        insertToStarted);
  }

  /** Nearest rank; zero for no samples. */
  static Duration percentile(List<Duration> samples, int p) {
    if (samples.isEmpty()) {
      return Duration.ZERO;
    }
    List<Duration> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static void awaitCompleted(FakeGitHub github, List<Long> ids) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> ids.stream().allMatch(id -> github.job(id).map(Job::completed).orElse(false)));
  }

  private static long idlePoolRunners(FakeGitHub github) {
    return github.runners().stream()
        .filter(r -> r.name().startsWith("ghr-p-warm-"))
        .filter(r -> "online".equals(r.status()) && !r.busy())
        .count();
  }
}
