package io.autorunner.scheduler.webhook;

import static io.autorunner.scheduler.Deliveries.SECRET;
import static io.autorunner.scheduler.Deliveries.queuedGpuJob;
import static io.autorunner.scheduler.Deliveries.sign;
import static io.autorunner.scheduler.Deliveries.workflowJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.common.task.RunnerTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

/** The webhook table, row by row. */
@WebMvcTest(WebhookController.class)
@Import({WebhookControllerTests.Wiring.class, WebhookMapping.class})
class WebhookControllerTests {

  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");

  @Autowired MockMvc mvc;
  @Autowired RecordingQueue queue;

  @BeforeEach
  void emptyQueue() {
    queue.tasks.clear();
    queue.calls.clear();
    queue.delayed.clear();
    queue.delayedCalls.clear();
    queue.down = false;
    queue.together = null;
  }

  @Test
  void unsignedDeliveryIs401AndEnqueuesNothing() throws Exception {
    mvc.perform(post("/webhook").header("X-GitHub-Event", "workflow_job").content(queuedGpuJob()))
        .andExpect(status().isUnauthorized())
        .andExpect(jsonPath("$.decision").value("rejected"))
        .andExpect(jsonPath("$.task").doesNotExist());
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void wronglySignedDeliveryIs401ForAnyEvent() throws Exception {
    String body = queuedGpuJob();
    String otherSecret =
        WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), "not-" + SECRET);
    deliver("workflow_job", body, otherSecret).andExpect(status().isUnauthorized());
    deliver("ping", "{}", otherSecret).andExpect(status().isUnauthorized());
    deliver("workflow_job", body.replace("4242", "4243"), sign(body))
        .andExpect(status().isUnauthorized());
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void bodyOverOneMebibyteIs413() throws Exception {
    String huge = "{\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";
    deliver("workflow_job", huge, sign(huge)).andExpect(status().isPayloadTooLarge());
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void signedButNotJsonIs400() throws Exception {
    String body = "this is not json";
    deliver("workflow_job", body, sign(body))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.decision").value("rejected"));
  }

  @Test
  void signedJsonOfAnotherShapeIs400() throws Exception {
    String body =
        "{\"action\":\"queued\",\"repository\":{\"full_name\":\"acme/x\","
            + "\"private\":true,\"owner\":{\"login\":\"acme\"}}}";
    deliver("workflow_job", body, sign(body))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.reason", containsString("workflow_job")));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void pingIsPong() throws Exception {
    String body = "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}";
    deliver("ping", body, sign(body))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("pong"));
  }

  @Test
  void otherEventsAreIgnored() throws Exception {
    String body = "{\"ref\":\"refs/heads/main\"}";
    deliver("push", body, sign(body))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("ignored"));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void jobWithoutTriggerLabelsIsIgnored() throws Exception {
    deliverJob(workflowJob("queued", 1, List.of("ubuntu-latest"), null, true))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("ignored"))
        .andExpect(jsonPath("$.reason", containsString("trigger")));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void ownerOutsideAllowListsIsIgnoredWithReason() throws Exception {
    deliverJob(workflowJob("queued", 1, GPU, null, true, "mallory", "mallory/miner"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("ignored"))
        .andExpect(jsonPath("$.reason", containsString("allowed owners")));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void repositoryOnTheAllowListPassesEvenWhenItsOwnerIsNotListed() throws Exception {
    deliverJob(workflowJob("queued", 2, GPU, null, true, "friend", "friend/allowed"))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.decision").value("create-runner"));
  }

  @Test
  void publicRepositoryIsIgnoredWhilePublicOnesAreNotAllowed() throws Exception {
    deliverJob(workflowJob("queued", 3, GPU, null, false))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("ignored"))
        .andExpect(jsonPath("$.reason", containsString("public")));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void queuedJobWithRefusedLabelsIsRefusedNamingTheLabel() throws Exception {
    deliverJob(workflowJob("queued", 4, List.of("self-hosted", "gce", "gpu=9"), null, true))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("refused"))
        .andExpect(jsonPath("$.reason", containsString("gpu=9")));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void queuedValidJobIs202CreateRunnerWithItsTask() throws Exception {
    deliverJob(queuedGpuJob())
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.decision").value("create-runner"))
        .andExpect(jsonPath("$.task", containsString("create-runner-4242-1")));
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
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.reason", containsString("gets VM ghr-4242-1; no bind= label")));
    List<String> bound = List.of("self-hosted", "gce", "gpu", "bind=train-77-1-0");
    deliverJob(workflowJob("queued", 4343, bound, null, true))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.reason").value("job 4343 gets VM ghr-4343-1"));
  }

  @Test
  void aCreatedVmGetsADelayedCheckForAStolenRunnerOnce() throws Exception {
    deliverJob(queuedGpuJob()).andExpect(status().isAccepted());
    deliverJob(queuedGpuJob()).andExpect(status().isAccepted());

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
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.decision").value("delete-runner"));
    assertThat(queue.tasks.values())
        .singleElement()
        .isInstanceOfSatisfying(
            RunnerTask.DeleteRunner.class,
            delete -> assertThat(delete.runnerName()).isEqualTo("ghr-4242-1"));
  }

  @Test
  void completedWithNoRunnerIs202ReleaseRunner() throws Exception {
    deliverJob(workflowJob("completed", 4242, GPU, null, true))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.decision").value("release-runner"));
    assertThat(queue.tasks.values())
        .singleElement()
        .isInstanceOfSatisfying(
            RunnerTask.ReleaseRunner.class,
            release -> assertThat(release.instanceName()).isEqualTo("ghr-4242-1"));
  }

  @Test
  void completedOnSomeoneElsesRunnerIsIgnored() throws Exception {
    deliverJob(workflowJob("completed", 4242, GPU, "build-box-7", true))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("ignored"));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void aJobStartingOnItsOwnRunnerIsStartedAndWaitingIsIgnored() throws Exception {
    deliverJob(workflowJob("in_progress", 4242, GPU, "ghr-4242-1", true))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("started"));
    deliverJob(workflowJob("waiting", 4242, GPU, null, true))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.decision").value("ignored"));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void aJobStartingOnARunnerMadeForAnotherJobIs202CheckRunner() throws Exception {
    deliverJob(workflowJob("in_progress", 4242, GPU, "ghr-777-1", true))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.decision").value("check-runner"));
    assertThat(queue.tasks.values())
        .singleElement()
        .isInstanceOfSatisfying(
            RunnerTask.CheckRunner.class,
            check -> assertThat(check.runnerName()).isEqualTo("ghr-777-1"));
  }

  @Test
  void redeliveryGetsTheSameAnswerAndNoSecondTask() throws Exception {
    String body = queuedGpuJob();
    String first =
        deliverJob(body)
            .andExpect(status().isAccepted())
            .andReturn()
            .getResponse()
            .getContentAsString();
    deliverJob(body)
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.decision").value("create-runner"))
        .andExpect(jsonPath("$.task").value(taskOf(first)));
    assertThat(queue.tasks).hasSize(1);
  }

  @Test
  void unreachableQueueIs503SoGitHubShowsTheDeliveryFailed() throws Exception {
    queue.down = true;
    deliverJob(queuedGpuJob())
        .andExpect(status().isServiceUnavailable())
        .andExpect(jsonPath("$.task").doesNotExist());
    assertThat(queue.tasks).isEmpty();
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
                              deliverJob(workflowJob("queued", 9000 + n, GPU, null, true))
                                  .andReturn()
                                  .getResponse()
                                  .getStatus())
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
    mvc.perform(get("/webhook"))
        .andExpect(status().isMethodNotAllowed())
        .andExpect(header().string("Allow", "POST"));
    assertThat(queue.calls).isEmpty();
  }

  @Test
  void theAnswerIsJsonWithItsLength() throws Exception {
    String answer =
        deliverJob(queuedGpuJob())
            .andExpect(content().contentType(MediaType.APPLICATION_JSON))
            .andReturn()
            .getResponse()
            .getContentAsString();
    assertThat(answer).startsWith("{\"decision\":\"create-runner\",\"reason\":\"job 4242");
  }

  @Test
  void healthzIs200() throws Exception {
    mvc.perform(get("/healthz")).andExpect(status().isOk());
  }

  private ResultActions deliverJob(String body) throws Exception {
    return deliver("workflow_job", body, sign(body));
  }

  private ResultActions deliver(String event, String body, String signature) throws Exception {
    return mvc.perform(
        post("/webhook")
            .contentType(MediaType.APPLICATION_JSON)
            .header("X-GitHub-Event", event)
            .header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
            .header("X-Hub-Signature-256", signature)
            .content(body));
  }

  private static String taskOf(String json) {
    int start = json.indexOf("\"task\":\"") + 8;
    return json.substring(start, json.indexOf('"', start));
  }

  @TestConfiguration
  static class Wiring {
    /**
     * One delivery computing at a time, the least the gate allows: every test passes through it.
     */
    @Bean
    CpuGate cpuGate() {
      return new CpuGate(1);
    }

    @Bean
    WebhookSignature webhookSignature() {
      return new WebhookSignature(List.of("an-old-secret", SECRET));
    }

    @Bean
    WorkflowJobRouter workflowJobRouter() {
      return new WorkflowJobRouter(
          new RoutingRules(
              List.of("self-hosted", "gce"), List.of("acme"), List.of("friend/allowed"), false),
          new LabelPolicy(PolicyProperties.defaults()),
          new InstanceNaming("ghr"));
    }

    /** As configured by default: a check ten minutes after each VM is asked for. */
    @Bean
    CheckProperties checkProperties() {
      return new CheckProperties(Duration.ofMinutes(10));
    }

    @Bean
    RecordingQueue recordingQueue() {
      return new RecordingQueue();
    }

    @Bean
    DelayedChecks delayedChecks(RecordingQueue queue, CheckProperties check) {
      return new DelayedChecks(queue, check);
    }
  }
}
