package io.autorunner.testkit.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.http.JsonServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class FakeGitHubTest {

  private static final String SECRET = "it's a secret";
  private static final String REPO = "octo-org/app";
  private static final List<String> CPU = List.of("self-hosted", "gce");

  private FakeComputeEngine gce;
  private FakeGitHub github;
  private HttpServer receiver;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  record Received(String deliveryId, String event, boolean signedRight, WorkflowJobEvent payload) {}

  @BeforeEach
  void start() throws IOException {
    receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    receiver.createContext(
        "/webhook",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          boolean signed =
              new WebhookSignature(List.of(SECRET))
                  .verify(body, exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER));
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("X-GitHub-Delivery"),
                  exchange.getRequestHeaders().getFirst("X-GitHub-Event"),
                  signed,
                  WorkflowJobEvent.parse(body)));
          exchange.sendResponseHeaders(202, -1);
          exchange.close();
        });
    // Stands in for the handler's runner handout: the VM named in the identity token gets the
    // config minted for it (the real handler's checks are its own tests').
    receiver.createContext(
        "/vm/runner-config",
        exchange -> {
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          String payload = authorization.substring("Bearer ".length()).split("\\.")[1];
          String vm =
              JsonServer.JSON
                  .readTree(java.util.Base64.getUrlDecoder().decode(payload))
                  .path("google")
                  .path("compute_engine")
                  .path("instance_name")
                  .asString();
          String config = vmConfigs.get(vm);
          byte[] body = (config == null ? "forbidden" : config).getBytes();
          exchange.sendResponseHeaders(config == null ? 403 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    receiver.start();
    gce = new FakeComputeEngine();
    gce.setBootDelay(Duration.ofMillis(50));
    gce.setOperationDelay(Duration.ofMillis(10));
    github = new FakeGitHub();
    github.setWebhook(
        URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhook"), SECRET);
    github.setRunTime(Duration.ofMillis(300));
    github.bootRunnersOn(gce);
  }

  @AfterEach
  void stop() {
    github.close();
    gce.close();
    receiver.stop(0);
  }

  @Test
  void aJitRunnerIsOfflineUntilItsVmRunsThenOnline() throws Exception {
    JsonNode jit = jit("ghr-1-1", CPU);
    assertThat(jit.path("runner").path("status").asString()).isEqualTo("offline");
    assertThat(runnersNamed("ghr-1-1").path("runners").get(0).path("status").asString())
        .isEqualTo("offline");

    bootVm("ghr-1-1", jit.path("encoded_jit_config").asString());

    await(() -> "online".equals(runner("ghr-1-1").status()));
    assertThat(runner("ghr-1-1").machine()).isEqualTo("ghr-1-1");
  }

  @Test
  void theOldestMatchingQueuedJobGoesToAnyIdleRunnerSoRunnersAreTaken() throws Exception {
    long older = github.queueJob(REPO, CPU);
    long newer = github.queueJob(REPO, CPU);
    // A VM made for the newer job...
    JsonNode jit = jit("ghr-" + newer + "-1", CPU);

    bootVm("ghr-" + newer + "-1", jit.path("encoded_jit_config").asString());

    // ...runs the older one, as GitHub does.
    await(() -> github.job(older).orElseThrow().status().equals("in_progress"));
    assertThat(github.job(older).orElseThrow().runnerName()).isEqualTo("ghr-" + newer + "-1");
    assertThat(github.job(newer).orElseThrow().queued()).isTrue();
    await(() -> github.job(older).orElseThrow().completed());
    assertThat(github.job(older).orElseThrow().conclusion()).isEqualTo("success");
    // The JIT runner ran one job: it deregistered and its VM powered off.
    await(() -> github.runners().isEmpty());
    await(() -> "TERMINATED".equals(gce.instance("ghr-" + newer + "-1").orElseThrow().status()));
    assertThat(github.job(newer).orElseThrow().queued()).isTrue();
  }

  @Test
  void withAHandOverDelayAnIdleRunnerGetsAQueuedJobOnlyOnceItHasPassed() throws Exception {
    bootVm("ghr-idle-1", jit("ghr-idle-1", CPU).path("encoded_jit_config").asString());
    await(() -> "online".equals(runner("ghr-idle-1").status()));
    github.setHandOverDelay(Duration.ofMillis(700));

    long job = github.queueJob(REPO, CPU);
    Thread.sleep(300);

    assertThat(github.job(job).orElseThrow().queued()).as("handed over too early").isTrue();
    await(() -> "ghr-idle-1".equals(github.job(job).orElseThrow().runnerName()));
    Job started = github.job(job).orElseThrow();
    assertThat(Duration.between(started.createdAt(), started.startedAt()))
        .isGreaterThanOrEqualTo(Duration.ofMillis(700));
  }

  @Test
  void aJobWaitsForARunnerCarryingAllItsLabels() throws Exception {
    long gpuJob = github.queueJob(REPO, List.of("self-hosted", "gce", "gpu"));
    bootVm("ghr-cpu-1", jit("ghr-cpu-1", CPU).path("encoded_jit_config").asString());
    await(() -> "online".equals(runner("ghr-cpu-1").status()));
    // Proof that the dispatcher has weighed the older GPU job against the idle CPU runner: a
    // newer CPU job queued after it gets that runner.
    long cpuJob = github.queueJob(REPO, CPU);
    await(() -> "ghr-cpu-1".equals(github.job(cpuJob).orElseThrow().runnerName()));

    assertThat(github.job(gpuJob).orElseThrow().queued()).isTrue();

    bootVm(
        "ghr-gpu-1",
        jit("ghr-gpu-1", List.of("self-hosted", "GCE", "gpu"))
            .path("encoded_jit_config")
            .asString());
    await(() -> "ghr-gpu-1".equals(github.job(gpuJob).orElseThrow().runnerName()));
  }

  @Test
  void webhooksAreSignedParseableAndFollowTheJob() throws Exception {
    long job = github.queueJob(REPO, CPU);
    bootVm("ghr-1-1", jit("ghr-1-1", CPU).path("encoded_jit_config").asString());
    await(() -> github.job(job).orElseThrow().completed());
    assertThat(github.awaitDeliveries(Duration.ofSeconds(5))).isTrue();

    assertThat(received)
        .extracting(r -> r.payload().action())
        .containsExactly("queued", "in_progress", "completed");
    assertThat(received).allMatch(Received::signedRight);
    assertThat(received).allMatch(r -> "workflow_job".equals(r.event()));
    assertThat(received).extracting(Received::deliveryId).doesNotHaveDuplicates();
    WorkflowJobEvent completed = received.get(2).payload();
    assertThat(completed.workflowJob().id()).isEqualTo(job);
    assertThat(completed.workflowJob().conclusion()).isEqualTo("success");
    assertThat(completed.workflowJob().runnerName()).isEqualTo("ghr-1-1");
    assertThat(completed.workflowJob().labels()).isEqualTo(CPU);
    assertThat(completed.repository().fullName()).isEqualTo(REPO);
    assertThat(completed.organizationLogin()).hasValue("octo-org");
    assertThat(completed.installationId()).hasValueSatisfying(id -> assertThat(id).isPositive());
    assertThat(github.deliveries()).allMatch(Delivery::answered2xx);
  }

  @Test
  void aJobCancelledWhileQueuedCompletesCancelledWithoutARunner() throws Exception {
    long job = github.queueJob(REPO, CPU);

    assertThat(github.cancel(job)).isTrue();

    assertThat(github.awaitDeliveries(Duration.ofSeconds(5))).isTrue();
    WorkflowJobEvent completed = received.get(1).payload();
    assertThat(completed.action()).isEqualTo("completed");
    assertThat(completed.workflowJob().conclusion()).isEqualTo("cancelled");
    assertThat(completed.workflowJob().hasRunner()).isFalse();
    assertThat(completed.workflowJob().runnerId()).isNull();
    assertThat(github.cancel(job)).isFalse();
  }

  @Test
  void aPreemptedVmLeavesItsRunnerOfflineAndItsJobFailed() throws Exception {
    github.setRunTime(Duration.ofSeconds(30));
    long job = github.queueJob(REPO, CPU);
    bootVm("ghr-1-1", jit("ghr-1-1", CPU).path("encoded_jit_config").asString());
    await(() -> "in_progress".equals(github.job(job).orElseThrow().status()));

    gce.preempt("ghr-1-1");

    await(() -> github.job(job).orElseThrow().completed());
    assertThat(github.job(job).orElseThrow().conclusion()).isEqualTo("failure");
    assertThat(runner("ghr-1-1").status()).isEqualTo("offline");
    assertThat(runner("ghr-1-1").busy()).isFalse();
  }

  @Test
  void rerunMakesANewAttemptOfTheRunThatIsQueuedAgain() throws Exception {
    github.setRunTime(Duration.ofSeconds(30));
    long job = github.queueJob(REPO, CPU);
    bootVm("ghr-1-1", jit("ghr-1-1", CPU).path("encoded_jit_config").asString());
    await(() -> "in_progress".equals(github.job(job).orElseThrow().status()));
    assertThat(post("/repos/" + REPO + "/actions/jobs/" + job + "/rerun", "").statusCode())
        .isEqualTo(403);
    gce.preempt("ghr-1-1");
    await(() -> github.job(job).orElseThrow().completed());

    assertThat(post("/repos/" + REPO + "/actions/jobs/" + job + "/rerun", "").statusCode())
        .isEqualTo(201);

    Job again = github.jobs().get(1);
    assertThat(again.id()).isNotEqualTo(job);
    assertThat(again.runId()).isEqualTo(github.job(job).orElseThrow().runId());
    assertThat(again.runAttempt()).isEqualTo(2);
    assertThat(again.rerunOf()).isEqualTo(job);
    assertThat(again.queued()).isTrue();
    assertThat(github.rerunCount()).isEqualTo(1);
    JsonNode fetched = getJson("/repos/" + REPO + "/actions/jobs/" + again.id());
    assertThat(fetched.path("status").asString()).isEqualTo("queued");
    assertThat(fetched.path("run_attempt").asInt()).isEqualTo(2);
  }

  @Test
  void runnersCanBeDeletedOnlyWhenNotBusy() throws Exception {
    github.setRunTime(Duration.ofSeconds(30));
    long busyId = jit("ghr-1-1", CPU).path("runner").path("id").asLong();
    long idleId = jit("ghr-2-1", CPU).path("runner").path("id").asLong();
    github.queueJob(REPO, CPU);
    bootVm("ghr-1-1", jitOf(busyId));
    await(() -> runner("ghr-1-1").busy());

    assertThat(delete("/orgs/octo-org/actions/runners/" + busyId)).isEqualTo(422);
    assertThat(delete("/orgs/octo-org/actions/runners/" + idleId)).isEqualTo(204);
    assertThat(delete("/orgs/octo-org/actions/runners/" + idleId)).isEqualTo(404);
    assertThat(github.runners()).extracting(Runner::name).containsExactly("ghr-1-1");
  }

  @Test
  void aTakenNameIs409AndMissingAuthIs401() throws Exception {
    jit("ghr-1-1", CPU);

    assertThat(
            post("/orgs/octo-org/actions/runners/generate-jitconfig", jitBody("ghr-1-1", CPU))
                .statusCode())
        .isEqualTo(409);
    HttpResponse<String> anonymous =
        http.send(
            HttpRequest.newBuilder(github.baseUrl().resolve("/orgs/octo-org/actions/runners"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void runnerListsPageAndRepositoryScopesAreSeparate() throws Exception {
    jit("ghr-1-1", CPU);
    jit("ghr-2-1", CPU);
    HttpResponse<String> repoJit =
        post("/repos/" + REPO + "/actions/runners/generate-jitconfig", jitBody("ghr-3-1", CPU));
    assertThat(repoJit.statusCode()).isEqualTo(201);

    JsonNode page2 = getJson("/orgs/octo-org/actions/runners?per_page=1&page=2");
    assertThat(page2.path("total_count").asInt()).isEqualTo(2);
    assertThat(page2.path("runners").get(0).path("name").asString()).isEqualTo("ghr-2-1");
    assertThat(getJson("/repos/" + REPO + "/actions/runners").path("total_count").asInt())
        .isEqualTo(1);
  }

  @Test
  void aRedeliveryRepeatsTheBodyAndTheDeliveryId() throws Exception {
    github.setRedeliveryFraction(1.0);

    github.queueJob(REPO, CPU);

    assertThat(github.awaitDeliveries(Duration.ofSeconds(5))).isTrue();
    assertThat(received).hasSize(2);
    assertThat(received.get(0).deliveryId()).isEqualTo(received.get(1).deliveryId());
    assertThat(github.deliveries()).extracting(Delivery::redelivery).containsExactly(false, true);
  }

  @Test
  void controlEndpointsQueueAndCancelJobsWithoutAuth() throws Exception {
    HttpResponse<String> queued =
        http.send(
            HttpRequest.newBuilder(github.baseUrl().resolve("/_fake/jobs"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"repository\":\"octo-org/app\",\"labels\":[\"self-hosted\",\"gce\"]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(queued.statusCode()).isEqualTo(201);
    long id = JsonServer.JSON.readTree(queued.body()).path("id").asLong();
    assertThat(github.job(id).orElseThrow().labels()).isEqualTo(CPU);

    HttpResponse<String> cancelled =
        http.send(
            HttpRequest.newBuilder(github.baseUrl().resolve("/_fake/jobs/" + id + "/cancel"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(cancelled.statusCode()).isEqualTo(204);
    assertThat(github.jobCounts()).containsEntry("completed/cancelled", 1L);
  }

  @Test
  void vmsPerJobCountsTheVmsLabelledWithEachJob() throws Exception {
    long job = github.queueJob(REPO, CPU);
    long other = github.queueJob(REPO, CPU);
    bootVm(
        "ghr-" + job + "-1",
        jitOf(jit("ghr-" + job + "-1", CPU).path("runner").path("id").asLong()),
        job);

    assertThat(github.vmsPerJob()).containsEntry(job, 1L).containsEntry(other, 0L);
  }

  // ---------------------------------------------------------------- helpers

  private final Map<Long, String> configs = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, String> vmConfigs = new java.util.concurrent.ConcurrentHashMap<>();

  private String jitOf(long runnerId) {
    return configs.get(runnerId);
  }

  private JsonNode jit(String name, List<String> labels) throws Exception {
    HttpResponse<String> response =
        post("/orgs/octo-org/actions/runners/generate-jitconfig", jitBody(name, labels));
    assertThat(response.statusCode()).isEqualTo(201);
    JsonNode json = JsonServer.JSON.readTree(response.body());
    configs.put(
        json.path("runner").path("id").asLong(), json.path("encoded_jit_config").asString());
    return json;
  }

  private static String jitBody(String name, List<String> labels) {
    return JsonServer.JSON.writeValueAsString(
        Map.of("name", name, "runner_group_id", 1, "labels", labels, "work_folder", "_work"));
  }

  /** Inserts a VM that will ask for (and get) the config at boot, as the handler makes them. */
  private void bootVm(String name, String jitConfig) throws Exception {
    bootVm(name, jitConfig, 1);
  }

  private void bootVm(String name, String jitConfig, long jobId) throws Exception {
    vmConfigs.put(name, jitConfig);
    String handler = "http://127.0.0.1:" + receiver.getAddress().getPort();
    String instance =
        JsonServer.JSON.writeValueAsString(
            Map.of(
                "name",
                name,
                "machineType",
                "zones/us-central1-a/machineTypes/n1-standard-4",
                "labels",
                Map.of("managed-by", "autorunner", "autorunner-job-id", Long.toString(jobId)),
                "serviceAccounts",
                List.of(Map.of("email", "runner@p.iam.gserviceaccount.com")),
                "metadata",
                Map.of(
                    "items",
                    List.of(
                        Map.of("key", "startup-script", "value", "#!/bin/bash\n"),
                        Map.of(
                            "key",
                            "autorunner-runner-config-url",
                            "value",
                            handler + "/vm/runner-config"),
                        Map.of("key", "autorunner-runner-config-audience", "value", handler)))));
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    gce.baseUrl().resolve("/compute/v1/projects/p/zones/us-central1-a/instances"))
                .POST(HttpRequest.BodyPublishers.ofString(instance))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
  }

  private Runner runner(String name) {
    return github.runners().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
  }

  private JsonNode runnersNamed(String name) throws Exception {
    return getJson("/orgs/octo-org/actions/runners?name=" + name);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        authorized(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int delete(String path) throws Exception {
    return http.send(authorized(path).DELETE().build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private JsonNode getJson(String path) throws Exception {
    HttpResponse<String> response =
        http.send(authorized(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JsonServer.JSON.readTree(response.body());
  }

  private HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(github.baseUrl().resolve(path))
        .header("Authorization", "Bearer ghs_test")
        .header("Accept", "application/vnd.github+json");
  }

  /** Waits up to 10 s for {@code condition}; fails the test if it never holds. */
  static void await(BooleanSupplier condition) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(condition::getAsBoolean);
  }
}
