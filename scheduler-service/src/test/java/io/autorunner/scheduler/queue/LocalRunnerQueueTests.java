package io.autorunner.scheduler.queue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The local queue against a fake handler on loopback: Cloud Tasks' semantics without a cloud. */
class LocalRunnerQueueTests {

  @RegisterExtension
  static WireMockExtension handler =
      WireMockExtension.newInstance().options(options().dynamicPort()).build();

  private LocalRunnerQueue queue;

  @AfterEach
  void close() {
    if (queue != null) {
      queue.close();
    }
  }

  @Test
  void postsTheTaskToTheHandlerWithCloudTasksHeaders() {
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner")).willReturn(aResponse().withStatus(200)));
    queue = new LocalRunnerQueue(properties(5));
    RunnerTask task = createTask(1);

    RunnerQueue.Enqueued enqueued = queue.enqueue(task);

    assertThat(enqueued).isEqualTo(new RunnerQueue.Enqueued(task.taskId(), true));
    awaitTrue(() -> queue.stats().delivered() == 1);
    handler.verify(
        postRequestedFor(urlEqualTo("/tasks/create-runner"))
            .withHeader("Content-Type", equalTo("application/json"))
            .withHeader("X-CloudTasks-QueueName", equalTo("local-test"))
            .withHeader("X-CloudTasks-TaskName", equalTo(task.taskId()))
            .withHeader("X-CloudTasks-TaskRetryCount", equalTo("0"))
            .withHeader("X-CloudTasks-TaskExecutionCount", equalTo("0"))
            .withRequestBody(matchingJsonPath("$.instanceName", equalTo("ghr-1-1")))
            .withRequestBody(matchingJsonPath("$.job.repository", equalTo("acme/models"))));
  }

  @Test
  void aRepeatedNameCreatesNothingAndIsDeliveredOnce() {
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner")).willReturn(aResponse().withStatus(200)));
    queue = new LocalRunnerQueue(properties(5));

    assertThat(queue.enqueue(createTask(2)).created()).isTrue();
    assertThat(queue.enqueue(createTask(2)).created()).isFalse();

    awaitTrue(() -> queue.stats().delivered() == 1);
    // Nothing more can come: the queue named one task only, and has none left in flight.
    assertThat(queue.stats().named()).isEqualTo(1);
    assertThat(handler.findAll(postRequestedFor(urlEqualTo("/tasks/create-runner")))).hasSize(1);
  }

  @Test
  void retriesWithBackoffUntilTheHandlerAnswers2xx() {
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner"))
            .inScenario("flaky")
            .whenScenarioStateIs(STARTED)
            .willReturn(aResponse().withStatus(503))
            .willSetStateTo("second"));
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner"))
            .inScenario("flaky")
            .whenScenarioStateIs("second")
            .willReturn(aResponse().withStatus(429))
            .willSetStateTo("healthy"));
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner"))
            .inScenario("flaky")
            .whenScenarioStateIs("healthy")
            .willReturn(aResponse().withStatus(204)));
    queue = new LocalRunnerQueue(properties(5));

    queue.enqueue(createTask(3));

    awaitTrue(() -> queue.stats().delivered() == 1);
    List<LoggedRequest> attempts =
        handler.findAll(postRequestedFor(urlEqualTo("/tasks/create-runner")));
    assertThat(attempts).hasSize(3);
    assertThat(attempts)
        .extracting(r -> r.getHeader("X-CloudTasks-TaskRetryCount"))
        .containsExactly("0", "1", "2");
    assertThat(attempts)
        .extracting(r -> r.getHeader("X-CloudTasks-TaskExecutionCount"))
        .containsExactly("0", "1", "2");
    assertThat(queue.stats().failedAttempts()).isEqualTo(2);
  }

  @Test
  void givesUpAfterTheBoundedNumberOfAttempts() {
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner")).willReturn(aResponse().withStatus(500)));
    queue = new LocalRunnerQueue(properties(3));

    queue.enqueue(createTask(4));

    awaitTrue(() -> queue.stats().dropped() == 1);
    assertThat(handler.findAll(postRequestedFor(urlEqualTo("/tasks/create-runner")))).hasSize(3);
    assertThat(queue.stats().delivered()).isZero();
  }

  @Test
  void neverHasMoreTasksInFlightThanItsDispatchLimit() throws Exception {
    java.util.concurrent.atomic.AtomicInteger now = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger served =
        new java.util.concurrent.atomic.AtomicInteger();
    com.sun.net.httpserver.HttpServer slow =
        com.sun.net.httpserver.HttpServer.create(
            new java.net.InetSocketAddress("127.0.0.1", 0), 50);
    slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    slow.createContext(
        "/",
        exchange -> {
          most.accumulateAndGet(now.incrementAndGet(), Math::max);
          try {
            Thread.sleep(150); // a handler at work on an insert
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          now.decrementAndGet();
          exchange.getRequestBody().readAllBytes();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
          served.incrementAndGet();
        });
    slow.start();
    try {
      queue =
          new LocalRunnerQueue(
              new TasksProperties(
                  TasksProperties.Mode.LOCAL,
                  null,
                  URI.create("http://127.0.0.1:" + slow.getAddress().getPort()),
                  null,
                  null,
                  null,
                  Duration.ofSeconds(30),
                  new TasksProperties.Local(
                      10, Duration.ofMillis(20), Duration.ofMillis(100), "q", 3, 0)));

      for (int job = 1; job <= 9; job++) {
        queue.enqueue(createTask(job));
      }

      awaitTrue(() -> served.get() == 9);
      assertThat(most.get()).isEqualTo(3);
    } finally {
      slow.stop(0);
    }
  }

  @Test
  void backoffDoublesUpToTheMaximum() {
    queue =
        new LocalRunnerQueue(
            new TasksProperties(
                TasksProperties.Mode.LOCAL,
                null,
                URI.create("http://127.0.0.1:1"),
                null,
                null,
                null,
                Duration.ofSeconds(30),
                new TasksProperties.Local(
                    10, Duration.ofSeconds(1), Duration.ofSeconds(5), "q", 10, 0)));

    assertThat(List.of(1, 2, 3, 4, 5).stream().map(queue::backoff))
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(2),
            Duration.ofSeconds(4),
            Duration.ofSeconds(5),
            Duration.ofSeconds(5));
  }

  @Test
  void aDuplicatedTaskReachesTheHandlerTwiceAtOnceAndOnlyItsOwnDispatchRetries() {
    // Both first dispatches fail: the task's own one is retried and succeeds, the duplicate not.
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner"))
            .withHeader("X-CloudTasks-TaskRetryCount", equalTo("0"))
            .willReturn(aResponse().withStatus(503)));
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner"))
            .withHeader("X-CloudTasks-TaskRetryCount", equalTo("1"))
            .willReturn(aResponse().withStatus(200)));
    queue = new LocalRunnerQueue(properties(5, 1.0));
    RunnerTask task = createTask(1);

    queue.enqueue(task);

    awaitTrue(() -> queue.stats().delivered() == 1 && queue.stats().failedAttempts() == 2);
    List<LoggedRequest> requests =
        handler.findAll(postRequestedFor(urlEqualTo("/tasks/create-runner")));
    assertThat(requests).hasSize(3);
    assertThat(requests)
        .allSatisfy(r -> assertThat(r.getHeader("X-CloudTasks-TaskName")).isEqualTo(task.taskId()));
    assertThat(requests.stream().map(r -> r.getHeader("X-CloudTasks-TaskRetryCount")))
        .containsExactlyInAnyOrder("0", "0", "1");
    assertThat(queue.stats().duplicated()).isEqualTo(1);
    assertThat(queue.stats().failedAttempts()).isEqualTo(2);
  }

  private static TasksProperties properties(int maxAttempts) {
    return properties(maxAttempts, 0);
  }

  private static TasksProperties properties(int maxAttempts, double duplicateFraction) {
    return new TasksProperties(
        TasksProperties.Mode.LOCAL,
        null,
        URI.create("http://127.0.0.1:" + handler.getPort()),
        null,
        null,
        null,
        Duration.ofSeconds(30),
        new TasksProperties.Local(
            maxAttempts,
            Duration.ofMillis(20),
            Duration.ofMillis(100),
            "local-test",
            10,
            duplicateFraction));
  }

  private static RunnerTask createTask(long jobId) {
    return new RunnerTask.CreateRunner(
        new JobRef(jobId, 9001, 1, "acme/models", "acme", 555L),
        List.of("self-hosted", "gce"),
        "ghr-" + jobId + "-1");
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      sleep(10);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
