package io.autorunner.scheduler.webhook;

import static io.autorunner.scheduler.Deliveries.SECRET;
import static io.autorunner.scheduler.Deliveries.queuedGpuJob;
import static io.autorunner.scheduler.Deliveries.sign;
import static io.autorunner.scheduler.Deliveries.workflowJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.common.task.RunnerTask;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook table, row by row, over HTTP: the handler is built from its collaborators and
 * served by a {@link WebhookServer} on a free port of 127.0.0.1; no context is needed.
 */
class WebhookHandlerTests {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");

  private final RecordingQueue queue = new RecordingQueue();

  /** As configured by default: a check ten minutes after each VM is asked for. */
  private final DelayedChecks checks =
      new DelayedChecks(queue, new CheckProperties(Duration.ofMinutes(10)));

  /** One delivery computing at a time, the least the gate allows: every test passes through it. */
  private final WebhookHandler handler =
      new WebhookHandler(
          new WebhookSignature(List.of("an-old-secret", SECRET)),
          new WorkflowJobRouter(
              new RoutingRules(
                  List.of("self-hosted", "gce"), List.of("acme"), List.of("friend/allowed"), false),
              new LabelPolicy(PolicyProperties.defaults()),
              new InstanceNaming("ghr")),
          queue,
          checks,
          new CpuGate(1));

  private final WebhookServer server =
      new WebhookServer(
          new ListenProperties(0, "127.0.0.1", 8),
          Map.of(
              WebhookHandler.PATH,
              handler,
              WebhookEndpoints.HEALTHZ,
              new WebhookEndpoints.Healthz()));

  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void startServer() {
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
    checks.close();
  }

  @Test
  void unsignedDeliveryIs401AndEnqueuesNothing() throws Exception {
    deliver("workflow_job", queuedGpuJob(), null)
        .hasStatus(401)
        .has("decision", "rejected")
        .hasNo("task");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void wronglySignedDeliveryIs401ForAnyEvent() throws Exception {
    String body = queuedGpuJob();
    String otherSecret =
        WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), "not-" + SECRET);
    deliver("workflow_job", body, otherSecret).hasStatus(401);
    deliver("ping", "{}", otherSecret).hasStatus(401);
    deliver("workflow_job", body.replace("4242", "4243"), sign(body)).hasStatus(401);
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void bodyOverOneMebibyteIs413() throws Exception {
    String huge = "{\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";
    deliver("workflow_job", huge, sign(huge)).hasStatus(413);
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void signedButNotJsonIs400() throws Exception {
    String body = "this is not json";
    deliver("workflow_job", body, sign(body)).hasStatus(400).has("decision", "rejected");
  }

  @Test
  void signedJsonOfAnotherShapeIs400() throws Exception {
    String body =
        "{\"action\":\"queued\",\"repository\":{\"full_name\":\"acme/x\","
            + "\"private\":true,\"owner\":{\"login\":\"acme\"}}}";
    deliver("workflow_job", body, sign(body))
        .hasStatus(400)
        .hasContaining("reason", "workflow_job");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void pingIsPong() throws Exception {
    String body = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
    deliver("ping", body, sign(body)).hasStatus(200).has("decision", "pong");
  }

  @Test
  void otherEventsAreIgnored() throws Exception {
    String body = "{\"ref\":\"refs/heads/main\"}";
    deliver("push", body, sign(body)).hasStatus(200).has("decision", "ignored");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void jobWithoutTriggerLabelsIsIgnored() throws Exception {
    deliverJob(workflowJob("queued", 1, List.of("ubuntu-latest"), null, true))
        .hasStatus(200)
        .has("decision", "ignored")
        .hasContaining("reason", "trigger");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void ownerOutsideAllowListsIsIgnoredWithReason() throws Exception {
    deliverJob(workflowJob("queued", 1, GPU, null, true, "mallory", "mallory/miner"))
        .hasStatus(200)
        .has("decision", "ignored")
        .hasContaining("reason", "allowed owners");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void repositoryOnTheAllowListPassesEvenWhenItsOwnerIsNotListed() throws Exception {
    deliverJob(workflowJob("queued", 2, GPU, null, true, "friend", "friend/allowed"))
        .hasStatus(202)
        .has("decision", "create-runner");
  }

  @Test
  void publicRepositoryIsIgnoredWhilePublicOnesAreNotAllowed() throws Exception {
    deliverJob(workflowJob("queued", 3, GPU, null, false))
        .hasStatus(200)
        .has("decision", "ignored")
        .hasContaining("reason", "public");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void queuedJobWithRefusedLabelsIsRefusedNamingTheLabel() throws Exception {
    deliverJob(workflowJob("queued", 4, List.of("self-hosted", "gce", "gpu=9"), null, true))
        .hasStatus(200)
        .has("decision", "refused")
        .hasContaining("reason", "gpu=9");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void queuedValidJobIs202CreateRunnerWithItsTask() throws Exception {
    deliverJob(queuedGpuJob())
        .hasStatus(202)
        .has("decision", "create-runner")
        .hasContaining("task", "create-runner-4242-1");
    assertThat(queue.tasks.values())
        .singleElement()
        .isInstanceOfSatisfying(
            RunnerTask.CreateRunner.class,
            create -> {
              assertThat(create.instanceName()).isEqualTo("ghr-4242-1");
              assertThat(create.labels()).isEqualTo(GPU);
              assertThat(create.job().installationId()).isEqualTo(555L);
              assertThat(create.job().organization()).isEqualTo("acme");
            });
  }

  @Test
  void theAnswerSaysWhenAJobWithoutABindingLabelMayTakeAnotherJobsRunner() throws Exception {
    deliverJob(queuedGpuJob())
        .hasStatus(202)
        .hasContaining("reason", "gets VM ghr-4242-1; no bind= label");
    List<String> bound = List.of("self-hosted", "gce", "gpu", "bind=train-77-1-0");
    deliverJob(workflowJob("queued", 4343, bound, null, true))
        .hasStatus(202)
        .has("reason", "job 4343 gets VM ghr-4343-1");
  }

  @Test
  void aCreatedVmGetsADelayedCheckForAStolenRunnerOnce() throws Exception {
    deliverJob(queuedGpuJob()).hasStatus(202);
    deliverJob(queuedGpuJob()).hasStatus(202);

    // Enqueued off the webhook's path: both deliveries ask, the queue keeps one.
    await().atMost(Duration.ofSeconds(10)).until(() -> queue.delayedCalls.size() >= 2);
    assertThat(queue.delayed.values())
        .singleElement()
        .isInstanceOfSatisfying(
            RunnerTask.CheckRunner.class,
            check -> {
              assertThat(check.runnerName()).isEqualTo("ghr-4242-1");
              assertThat(check.job().jobId()).isEqualTo(4242);
            });
  }

  @Test
  void completedOnOurRunnerIs202DeleteRunner() throws Exception {
    deliverJob(workflowJob("completed", 4242, GPU, "ghr-4242-1", true))
        .hasStatus(202)
        .has("decision", "delete-runner");
    assertThat(queue.tasks.values())
        .singleElement()
        .isInstanceOfSatisfying(
            RunnerTask.DeleteRunner.class,
            delete -> assertThat(delete.runnerName()).isEqualTo("ghr-4242-1"));
  }

  @Test
  void completedWithNoRunnerIs202ReleaseRunner() throws Exception {
    deliverJob(workflowJob("completed", 4242, GPU, null, true))
        .hasStatus(202)
        .has("decision", "release-runner");
    assertThat(queue.tasks.values())
        .singleElement()
        .isInstanceOfSatisfying(
            RunnerTask.ReleaseRunner.class,
            release -> assertThat(release.instanceName()).isEqualTo("ghr-4242-1"));
  }

  @Test
  void completedOnSomeoneElsesRunnerIsIgnored() throws Exception {
    deliverJob(workflowJob("completed", 4242, GPU, "build-box-7", true))
        .hasStatus(200)
        .has("decision", "ignored");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void aJobStartingOnItsOwnRunnerIsStartedAndWaitingIsIgnored() throws Exception {
    deliverJob(workflowJob("in_progress", 4242, GPU, "ghr-4242-1", true))
        .hasStatus(200)
        .has("decision", "started");
    deliverJob(workflowJob("waiting", 4242, GPU, null, true))
        .hasStatus(200)
        .has("decision", "ignored");
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void aJobStartingOnARunnerMadeForAnotherJobIs202CheckRunner() throws Exception {
    deliverJob(workflowJob("in_progress", 4242, GPU, "ghr-777-1", true))
        .hasStatus(202)
        .has("decision", "check-runner");
    assertThat(queue.tasks.values())
        .singleElement()
        .isInstanceOfSatisfying(
            RunnerTask.CheckRunner.class,
            check -> assertThat(check.runnerName()).isEqualTo("ghr-777-1"));
  }

  @Test
  void redeliveryGetsTheSameAnswerAndNoSecondTask() throws Exception {
    String body = queuedGpuJob();
    String first = deliverJob(body).hasStatus(202).body();
    deliverJob(body).hasStatus(202).has("decision", "create-runner").has("task", taskOf(first));
    assertThat(queue.tasks).hasSize(1);
  }

  @Test
  void unreachableQueueIs503SoGitHubShowsTheDeliveryFailed() throws Exception {
    queue.down = true;
    deliverJob(queuedGpuJob()).hasStatus(503).hasNo("task");
    assertThat(queue.tasks).isEmpty();
  }

  @Test
  void aFaultOfAutorunnersOwnIs500AskingForARedelivery() throws Exception {
    queue.broken = new IllegalStateException("a bug");
    deliverJob(queuedGpuJob())
        .hasStatus(500)
        .has("decision", "failed")
        .hasContaining("reason", "redeliver");
    queue.broken = null;
    // The server goes on serving.
    deliverJob(queuedGpuJob()).hasStatus(202);
  }

  @Test
  void aSlowQueueHoldsNoPermitSoDeliveriesWaitOnItTogether() throws Exception {
    // The gate here lets one delivery compute at a time; three reach the queue's call at once.
    queue.together = new CountDownLatch(3);
    List<Future<Integer>> answers;
    ExecutorService github = Executors.newFixedThreadPool(3);
    try {
      answers =
          github.invokeAll(
              IntStream.rangeClosed(1, 3)
                  .<Callable<Integer>>mapToObj(
                      n ->
                          () ->
                              deliverJob(workflowJob("queued", 9000 + n, GPU, null, true)).status())
                  .toList());
    } finally {
      github.shutdownNow();
    }
    for (Future<Integer> answer : answers) {
      assertThat(answer.get()).isEqualTo(202);
    }
    assertThat(queue.tasks).hasSize(3);
  }

  @Test
  void onlyPostReachesTheWebhook() throws Exception {
    call(request(WebhookHandler.PATH).GET()).hasStatus(405).hasHeader("Allow", "POST");
    call(request(WebhookHandler.PATH).PUT(HttpRequest.BodyPublishers.ofString("{}")))
        .hasStatus(405);
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void aChunkedBodyIsReadAsWhole() throws Exception {
    deliverChunked(queuedGpuJob()).hasStatus(202).has("decision", "create-runner");
  }

  @Test
  void aChunkedBodyOverOneMebibyteIs413() throws Exception {
    deliverChunked("{\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}").hasStatus(413);
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void aRequestsTraceIsOnTheDeliverysLogLineAndGoneAfter() throws Exception {
    String body = queuedGpuJob();
    HttpRequest.Builder traced =
        signed(request(WebhookHandler.PATH), "workflow_job", sign(body))
            .header("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(WebhookHandler.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines =
        new ch.qos.logback.core.read.ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try {
      call(traced).hasStatus(202);
      deliverJob(workflowJob("queued", 4243, GPU, null, true)).hasStatus(202);
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).hasSize(2);
    assertThat(lines.list.get(0).getMDCPropertyMap())
        .containsEntry("trace_id", "105445aa7843bc8bf206b12000100000");
    // The server's threads serve other requests next: the trace is not left on them.
    assertThat(lines.list.get(1).getMDCPropertyMap()).doesNotContainKey("trace_id");
  }

  @Test
  void theAnswerIsJsonWithItsLength() throws Exception {
    String answer = deliverJob(queuedGpuJob()).hasHeader("Content-Type", "application/json").body();
    assertThat(answer).startsWith("{\"decision\":\"create-runner\",\"reason\":\"job 4242");
  }

  @Test
  void healthzIs200() throws Exception {
    call(request(WebhookEndpoints.HEALTHZ).GET()).hasStatus(200).hasBody("ok");
    call(request(WebhookEndpoints.HEALTHZ).method("HEAD", HttpRequest.BodyPublishers.noBody()))
        .hasStatus(200);
    call(request(WebhookEndpoints.HEALTHZ).POST(HttpRequest.BodyPublishers.noBody()))
        .hasStatus(405);
  }

  @Test
  void anotherPathIs404() throws Exception {
    call(request("/").GET()).hasStatus(404);
    assertThat(queue.calls).isEmpty();
  }

  private Delivered deliverJob(String body) throws Exception {
    return deliver("workflow_job", body, sign(body));
  }

  private Delivered deliver(String event, String body, String signature) throws Exception {
    return call(
        signed(request(WebhookHandler.PATH), event, signature)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * A signed workflow_job whose body has no declared length: the client sends it chunked, without a
   * Content-Length.
   */
  private Delivered deliverChunked(String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return call(
        signed(request(WebhookHandler.PATH), "workflow_job", sign(body))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))));
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(20));
  }

  /** GitHub's headers of a delivery; no signature header when {@code signature} is null. */
  private static HttpRequest.Builder signed(
      HttpRequest.Builder request, String event, String signature) {
    request
        .header("Content-Type", "application/json")
        .header("X-GitHub-Event", event)
        .header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    if (signature != null) {
      request.header("X-Hub-Signature-256", signature);
    }
    return request;
  }

  private Delivered call(HttpRequest.Builder request) throws Exception {
    return new Delivered(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** The server's answer, with the checks these tests make of it. */
  private record Delivered(HttpResponse<String> response) {

    int status() {
      return response.statusCode();
    }

    String body() {
      return response.body();
    }

    Delivered hasStatus(int status) throws Exception {
      assertThat(status()).as(body()).isEqualTo(status);
      return this;
    }

    Delivered hasHeader(String name, String value) {
      assertThat(response.headers().firstValue(name)).contains(value);
      return this;
    }

    Delivered hasBody(String body) throws Exception {
      assertThat(body()).isEqualTo(body);
      return this;
    }

    Delivered has(String field, String value) throws Exception {
      assertThat(json().path(field).asString()).as(body()).isEqualTo(value);
      return this;
    }

    Delivered hasContaining(String field, String part) throws Exception {
      assertThat(json().path(field).asString()).as(body()).contains(part);
      return this;
    }

    Delivered hasNo(String field) throws Exception {
      assertThat(json().has(field)).as(body()).isFalse();
      return this;
    }

    private JsonNode json() throws Exception {
      return JSON.readTree(body());
    }
  }

  private static String taskOf(String json) {
    int start = json.indexOf("\"task\":\"") + 8;
    return json.substring(start, json.indexOf('"', start));
  }
}
