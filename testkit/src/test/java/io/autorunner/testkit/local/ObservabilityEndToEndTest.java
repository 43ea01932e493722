package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.common.logging.LogFields;
import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.FakeGitHub;
import io.autorunner.testkit.github.Job;
import io.autorunner.testkit.github.Runner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The logs as Cloud Run gets them and the metrics {@code deploy/setup.sh} installs over them, read
 * together. Both services run with the Cloud Logging formatter as their images set it, through a
 * flow that makes every metric count something (a CPU job, a GPU job whose first zone is out of
 * GPUs and whose Spot VM is preempted mid-job, so it is re-run, and a job cancelled while queued),
 * in the production shape: three handler instances, tasks delivered twice, one instance killed and
 * started again. Every line of every instance's lives is one JSON object with a severity; no line
 * holds the webhook secret, the App's key, an installation token, a JWT or a runner's JIT config;
 * every field a metric or the dashboard reads is one the services write, and is in every line the
 * metric counts.
 */
class ObservabilityEndToEndTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String REPO = "acme/models";
  private static final int HANDLERS = 3;
  private static final String FORMAT = "io.autorunner.common.logging.CloudLoggingFormatter";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** What the formatter writes besides the work's fields. */
  private static final Set<String> FORMATTER_KEYS =
      Set.of(
          "severity",
          "message",
          "time",
          "logger",
          "thread",
          "stack_trace",
          "logging.googleapis.com/trace",
          "logging.googleapis.com/spanId",
          "logging.googleapis.com/trace_sampled",
          "trace_id");

  @Test
  void theDefinitionsReadOnlyFieldsTheServicesWriteAndTheDashboardOnlyTheirLabels()
      throws Exception {
    List<MonitoringDefinitions.Metric> metrics = MonitoringDefinitions.metrics(ROOT);
    assertThat(metrics).isNotEmpty();
    Map<String, MonitoringDefinitions.Metric> byName = new LinkedHashMap<>();
    for (MonitoringDefinitions.Metric metric : metrics) {
      byName.put(metric.name(), metric);
      assertThat(metric.fields()).as(metric.name()).isSubsetOf(LogFields.all());
      assertThat(metric.equal()).as(metric.name()).containsKey(LogFields.EVENT);
      assertThat(LogFields.Events.all()).contains(metric.equal().get(LogFields.EVENT));
      assertThat(metric.service()).isIn("autorunner-scheduler", "autorunner-handler");
      assertThat(metric.labels().keySet())
          .as("%s: every declared label is extracted, and only those", metric.name())
          .containsExactlyInAnyOrderElementsOf(metric.declaredLabels());
      assertThat(metric.value() != null)
          .as("%s: a value extractor exactly for a distribution", metric.name())
          .isEqualTo(metric.distribution())
          .isEqualTo(metric.buckets());
    }
    List<String> queries = MonitoringDefinitions.dashboardQueries(ROOT);
    assertThat(queries).isNotEmpty();
    Set<String> charted = new TreeSet<>();
    for (String query : queries) {
      Map<String, String> read = MonitoringDefinitions.queriedMetrics(query);
      assertThat(read).as(query).isNotEmpty();
      for (Map.Entry<String, String> entry : read.entrySet()) {
        MonitoringDefinitions.Metric metric = byName.get(entry.getKey());
        assertThat(metric).as("%s reads a metric setup.sh installs", query).isNotNull();
        charted.add(metric.name());
        assertThat(entry.getValue().isEmpty())
            .as("%s: _sum/_bucket only of distributions", query)
            .isNotEqualTo(metric.distribution());
        Set<String> labels = new TreeSet<>(metric.labels().keySet());
        labels.add("le");
        assertThat(MonitoringDefinitions.groupedBy(query)).as(query).isSubsetOf(labels);
      }
    }
    assertThat(charted).as("every metric is on the dashboard").isEqualTo(byName.keySet());
  }

  @Test
  void aRunLogsJsonThatFeedsEveryMetricAndHoldsNoSecret() throws Exception {
    String appKey = pem();
    Map<String, String> json =
        Map.of(
            "LOGGING_STRUCTURED_FORMAT_CONSOLE",
            FORMAT,
            "AUTORUNNER_LOGGING_PROJECT",
            "local-demo");
    Map<String, String> handlerEnv = new LinkedHashMap<>(json);
    handlerEnv.put("AUTORUNNER_GITHUB_APP_PRIVATE_KEY", appKey);
    // Two regions: the GPU job's regional bulk insert finds us-central1 out (a capacity line for
    // each of its zones), and the zonal insert in europe-west4 makes the VM.
    handlerEnv.put("AUTORUNNER_GCE_ZONES", "us-central1-a,us-central1-b,europe-west4-a");
    Path logs = Path.of("target/observability");
    // The production shape: three handler instances, a third of the tasks twice, one instance
    // killed with SIGKILL while jobs run and started again; every life's lines are read.
    Map<String, String> schedulerEnv = new LinkedHashMap<>(json);
    schedulerEnv.put("AUTORUNNER_TASKS_LOCAL_DUPLICATE_FRACTION", "0.3");
    LocalSystem.Options options =
        new LocalSystem.Options(
            handlerEnv, schedulerEnv, HANDLERS, github -> github.addRepository(REPO, true));
    try (LocalSystem system = LocalSystem.start(ROOT, logs, options)) {
      FakeGitHub github = system.github();
      github.setRunTime(Duration.ofSeconds(4));
      system.gce().exhaustGpuCapacity("us-central1-a");
      system.gce().exhaustGpuCapacity("us-central1-b");
      List<Long> jobs = new ArrayList<>();
      jobs.add(github.queueJob(REPO, List.of("self-hosted", "gce", "e2-standard-2")));
      long gpu = github.queueJob(REPO, List.of("self-hosted", "gce", "gpu"));
      jobs.add(gpu);
      long cancelled = github.queueJob(REPO, List.of("self-hosted", "gce", "n2-standard-2"));
      github.cancel(cancelled);
      system.killHandler(1);
      String gpuVm =
          await()
              .atMost(Duration.ofSeconds(90))
              .until(
                  () ->
                      github.runners().stream()
                          .filter(r -> r.busy() && Long.valueOf(gpu).equals(r.jobId()))
                          .map(Runner::name)
                          .findFirst()
                          .orElse(null),
                  name -> name != null);
      assertThat(system.gce().preempt(gpuVm)).isTrue();
      system.restartHandler(1);
      await()
          .atMost(Duration.ofSeconds(150))
          .pollInterval(Duration.ofMillis(250))
          .until(
              () ->
                  github.rerunCount() == 1
                      && github.jobs().stream()
                          .filter(j -> j.id() != cancelled)
                          .allMatch(Job::completed)
                      && system.gce().instances().isEmpty()
                      && github.runners().isEmpty());

      for (FakeInstance inserted : system.gce().inserted()) {
        assertThat(inserted.labels())
            .as("labels of %s", inserted.name())
            .containsEntry("autorunner-repository", "acme_models")
            .containsKeys("autorunner-workflow", "autorunner-job", "autorunner-machine-type");
      }
      Map<String, List<JsonNode>> lines = new LinkedHashMap<>();
      lines.put("autorunner-scheduler", parsed(logs.resolve("scheduler.log")));
      List<JsonNode> handlerLines = new ArrayList<>();
      List<String> logFiles = new ArrayList<>(List.of("scheduler.log"));
      for (int i = 1; i <= HANDLERS; i++) {
        handlerLines.addAll(parsed(logs.resolve("handler-" + i + ".log")));
        logFiles.add("handler-" + i + ".log");
      }
      lines.put("autorunner-handler", handlerLines);

      List<String> secrets = new ArrayList<>(github.issuedJitConfigs());
      assertThat(secrets).as("runners were minted").isNotEmpty();
      secrets.add(LocalSystem.SECRET);
      appKey.lines().filter(l -> !l.startsWith("-----")).forEach(secrets::add);
      for (String service : logFiles) {
        String all = Files.readString(logs.resolve(service), StandardCharsets.UTF_8);
        assertThat(secrets).as("secrets in %s", service).noneMatch(all::contains);
        assertThat(all)
            .as("installation tokens and JWTs in %s", service)
            .doesNotContain("ghs_fake")
            .doesNotContain("eyJhbGciOi");
      }
      Set<String> written = new TreeSet<>(LogFields.all());
      written.addAll(FORMATTER_KEYS);
      lines.values().stream()
          .flatMap(List::stream)
          .forEach(line -> assertThat(line.propertyNames()).isSubsetOf(written));

      for (MonitoringDefinitions.Metric metric : MonitoringDefinitions.metrics(ROOT)) {
        List<JsonNode> counted =
            lines.get(metric.service()).stream()
                .filter(line -> metric.matches(metric.service(), line))
                .toList();
        assertThat(counted).as("lines %s counts", metric.name()).isNotEmpty();
        for (JsonNode line : counted) {
          assertThat(metric.labels().values())
              .as("%s reads these from %s", metric.name(), line)
              .allMatch(line::has);
          if (metric.value() != null) {
            assertThat(line.path(metric.value()).isNumber())
                .as("%s's value in %s", metric.name(), line)
                .isTrue();
          }
        }
      }
    }
  }

  /** Every line of a service's log, each one JSON object Cloud Logging can take. */
  private static List<JsonNode> parsed(Path log) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode json = JSON.readTree(line);
      assertThat(json.isObject()).as(line).isTrue();
      assertThat(json.path("severity").asString())
          .as(line)
          .isIn("DEBUG", "INFO", "WARNING", "ERROR");
      assertThat(json.path("message").isString()).as(line).isTrue();
      lines.add(json);
    }
    assertThat(lines).as("%s has lines", log).isNotEmpty();
    return lines;
  }

  private static String pem() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
