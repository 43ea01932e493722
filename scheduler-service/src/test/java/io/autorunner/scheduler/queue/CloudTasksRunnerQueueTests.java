package io.autorunner.scheduler.queue;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.autorunner.common.config.Background;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Cloud Tasks adapter speaking Cloud Tasks' REST API to a fake on loopback. */
class CloudTasksRunnerQueueTests {

  private static final String QUEUE = "projects/gpu-ci-1234/locations/us-central1/queues/runners";
  private static final String CREATE_PATH = "/v2/" + QUEUE + "/tasks";

  @RegisterExtension
  static WireMockExtension cloudTasks =
      WireMockExtension.newInstance().options(options().dynamicPort()).build();

  private CloudTasksRunnerQueue queue;

  @BeforeEach
  void connect() {
    queue = connected(properties());
  }

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.250Z");

  private static CloudTasksRunnerQueue connected(TasksProperties tasks) {
    return new CloudTasksRunnerQueue(
        tasks,
        Background.done(CloudTasksCredentials.lookUp(tasks)),
        Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static TasksProperties properties() {
    return new TasksProperties(
        TasksProperties.Mode.CLOUD_TASKS,
        QUEUE,
        URI.create("https://handler-abc-uc.a.run.app"),
        "invoker@gpu-ci-1234.iam.gserviceaccount.com",
        null,
        "http://127.0.0.1:" + cloudTasks.getPort(),
        Duration.ofMinutes(10),
        new TasksProperties.Local(10, Duration.ofSeconds(1), Duration.ofSeconds(60), "l", 10, 0));
  }

  @AfterEach
  void close() {
    queue.close();
  }

  @Test
  void theWarmUpReadiesTheClientAndSendsNothing() {
    queue.warmUp(createTask());

    assertThat(cloudTasks.getAllServeEvents()).isEmpty();
  }

  @Test
  void anHttpStandInIsCalledWithoutCredentials() {
    assertThat(CloudTasksCredentials.lookUp(properties())).isEmpty();
  }

  @Test
  void theWarmUpFetchesTheAccessTokenTheFirstEnqueueThenUses() throws Exception {
    stubTaskCreated();
    AtomicInteger refreshes = new AtomicInteger();
    GoogleCredentials credentials =
        new GoogleCredentials() {
          @Override
          public AccessToken refreshAccessToken() {
            refreshes.incrementAndGet();
            return new AccessToken(
                "token-" + refreshes.get(), new Date(System.currentTimeMillis() + 3_600_000));
          }
        };
    queue.close();
    queue = new CloudTasksRunnerQueue(properties(), Background.done(Optional.of(credentials)));

    queue.warmUp(createTask());

    assertThat(refreshes).hasValue(1);
    assertThat(cloudTasks.getAllServeEvents()).isEmpty();

    queue.enqueue(createTask());

    assertThat(refreshes).hasValue(1);
    assertThat(
            cloudTasks
                .findAll(postRequestedFor(urlPathEqualTo(CREATE_PATH)))
                .get(0)
                .getHeader("Authorization"))
        .isEqualTo("Bearer token-1");
  }

  /**
   * Google's own token exchange, through google-auth's HTTP transport (google-http-client, its JSON
   * parser and tracing), the path a token takes on Cloud Run from the metadata server: the other
   * tests hand the adapter a token directly.
   */
  @Test
  void aServiceAccountsTokenIsFetchedThroughGoogleAuthsOwnTransport() throws Exception {
    stubTaskCreated();
    cloudTasks.stubFor(
        post(urlPathEqualTo("/token"))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"access_token\":\"ya29.from-the-token-server\",\"expires_in\":3600,"
                            + "\"token_type\":\"Bearer\"}")));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    GoogleCredentials credentials =
        ServiceAccountCredentials.newBuilder()
            .setClientEmail("scheduler@gpu-ci-1234.iam.gserviceaccount.com")
            .setPrivateKey(generator.generateKeyPair().getPrivate())
            .setPrivateKeyId("test-key")
            .setTokenServerUri(URI.create("http://127.0.0.1:" + cloudTasks.getPort() + "/token"))
            .setScopes(List.of("https://www.googleapis.com/auth/cloud-platform"))
            .build();
    queue.close();
    queue = new CloudTasksRunnerQueue(properties(), Background.done(Optional.of(credentials)));

    queue.enqueue(createTask());

    LoggedRequest exchange = cloudTasks.findAll(postRequestedFor(urlPathEqualTo("/token"))).get(0);
    assertThat(exchange.getBodyAsString())
        .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
    assertThat(
            cloudTasks
                .findAll(postRequestedFor(urlPathEqualTo(CREATE_PATH)))
                .get(0)
                .getHeader("Authorization"))
        .isEqualTo("Bearer ya29.from-the-token-server");
  }

  @Test
  void createsANamedHttpTaskWithOidcTokenDeadlineAndJsonBody() {
    stubTaskCreated();
    RunnerTask task = createTask();

    RunnerQueue.Enqueued enqueued = queue.enqueue(task);

    assertThat(enqueued.created()).isTrue();
    List<LoggedRequest> requests =
        cloudTasks.findAll(postRequestedFor(urlPathEqualTo(CREATE_PATH)));
    assertThat(requests).hasSize(1);
    JsonNode sent = JsonMapper.builder().build().readTree(requests.get(0).getBodyAsString());
    JsonNode sentTask = sent.path("task");
    assertThat(sentTask.path("name").asString()).isEqualTo(QUEUE + "/tasks/" + task.taskId());
    assertThat(sentTask.path("dispatchDeadline").asString()).isEqualTo("600s");
    assertThat(sentTask.has("scheduleTime")).as("dispatched at once").isFalse();
    JsonNode http = sentTask.path("httpRequest");
    assertThat(http.path("url").asString())
        .isEqualTo("https://handler-abc-uc.a.run.app/tasks/create-runner");
    assertThat(http.path("httpMethod").asString()).isEqualTo("POST");
    assertThat(http.path("headers").path("Content-Type").asString()).isEqualTo("application/json");
    assertThat(http.path("oidcToken").path("serviceAccountEmail").asString())
        .isEqualTo("invoker@gpu-ci-1234.iam.gserviceaccount.com");
    assertThat(http.path("oidcToken").path("audience").asString())
        .isEqualTo("https://handler-abc-uc.a.run.app");
    String body =
        new String(
            Base64.getDecoder().decode(http.path("body").asString()), StandardCharsets.UTF_8);
    JsonNode payload = JsonMapper.builder().build().readTree(body);
    assertThat(payload.path("instanceName").asString()).isEqualTo("ghr-4242-1");
    assertThat(payload.path("job").path("jobId").asLong()).isEqualTo(4242L);
    assertThat(payload.path("labels").get(2).asString()).isEqualTo("gpu");
  }

  @Test
  void aDelayedTaskIsScheduledThatMuchAfterNow() {
    stubTaskCreated();
    RunnerTask check = new RunnerTask.CheckRunner(createTask().job(), "ghr-4242-1");

    queue.enqueue(check, Duration.ofMinutes(10));

    JsonNode sent =
        JsonMapper.builder()
            .build()
            .readTree(
                cloudTasks
                    .findAll(postRequestedFor(urlPathEqualTo(CREATE_PATH)))
                    .get(0)
                    .getBodyAsString());
    assertThat(sent.path("task").path("scheduleTime").asString())
        .isEqualTo("2026-03-01T12:10:00.250Z");
    assertThat(sent.path("task").path("httpRequest").path("url").asString())
        .endsWith("/tasks/check-runner");
  }

  @Test
  void theCreatedTaskIsNamedByTheTasksId() {
    stubTaskCreated();

    assertThat(queue.enqueue(createTask()).name())
        .isEqualTo(QUEUE + "/tasks/" + createTask().taskId());
  }

  @Test
  void alreadyExistsIsSuccessThatCreatedNothing() {
    cloudTasks.stubFor(
        post(urlPathEqualTo(CREATE_PATH))
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":{\"code\":409,\"message\":\"Requested entity already"
                            + " exists\",\"status\":\"ALREADY_EXISTS\"}}")));

    RunnerQueue.Enqueued enqueued = queue.enqueue(createTask());

    assertThat(enqueued.created()).isFalse();
    assertThat(enqueued.name()).endsWith("/tasks/" + createTask().taskId());
  }

  @Test
  void serverErrorMeansTheQueueIsUnavailable() {
    cloudTasks.stubFor(
        post(urlPathEqualTo(CREATE_PATH))
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":{\"code\":503,\"message\":\"unavailable\","
                            + "\"status\":\"UNAVAILABLE\"}}")));

    assertThatThrownBy(() -> queue.enqueue(createTask()))
        .isInstanceOf(QueueUnavailableException.class);
  }

  @Test
  void permissionDeniedAlsoFailsTheDeliveryRatherThanDroppingIt() {
    cloudTasks.stubFor(
        post(urlPathEqualTo(CREATE_PATH))
            .withRequestBody(matchingJsonPath("$.task.name"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\":{\"code\":403,\"message\":\"denied\","
                            + "\"status\":\"PERMISSION_DENIED\"}}")));

    assertThatThrownBy(() -> queue.enqueue(createTask()))
        .isInstanceOf(QueueUnavailableException.class)
        .hasMessageContaining("PERMISSION_DENIED");
  }

  @Test
  void unreachableEndpointIsUnavailable() {
    queue.close();
    queue =
        connected(
            new TasksProperties(
                TasksProperties.Mode.CLOUD_TASKS,
                QUEUE,
                URI.create("https://handler-abc-uc.a.run.app"),
                "invoker@gpu-ci-1234.iam.gserviceaccount.com",
                "https://custom-audience",
                "http://127.0.0.1:1",
                Duration.ofMinutes(10),
                new TasksProperties.Local(
                    10, Duration.ofSeconds(1), Duration.ofSeconds(60), "l", 10, 0)));

    assertThatThrownBy(() -> queue.enqueue(createTask()))
        .isInstanceOf(QueueUnavailableException.class);
    assertThat(cloudTasks.findAll(postRequestedFor(urlPathEqualTo(CREATE_PATH)))).isEmpty();
  }

  /** Cloud Tasks answers createTask with the new task's name. */
  private void stubTaskCreated() {
    cloudTasks.stubFor(
        post(urlPathEqualTo(CREATE_PATH))
            .willReturn(
                aResponse()
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"name\": \"" + QUEUE + "/tasks/abc\"}")));
  }

  private static RunnerTask createTask() {
    return new RunnerTask.CreateRunner(
        new JobRef(4242, 9001, 1, "acme/models", "acme", 555L),
        List.of("self-hosted", "gce", "gpu"),
        "ghr-4242-1");
  }
}
