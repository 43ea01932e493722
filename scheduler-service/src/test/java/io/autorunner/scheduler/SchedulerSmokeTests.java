package io.autorunner.scheduler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.autorunner.scheduler.webhook.WebhookServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The whole scheduler on a real port, its local queue delivering to a fake handler. */
@SpringBootTest(properties = "server.port=0")
class SchedulerSmokeTests {

  @RegisterExtension
  static WireMockExtension handler =
      WireMockExtension.newInstance().options(options().dynamicPort()).build();

  @Autowired WebhookServer server;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("autorunner.webhook.secret", () -> "old-secret," + Deliveries.SECRET);
    registry.add("autorunner.tasks.handler-url", () -> "http://127.0.0.1:" + handler.getPort());
  }

  @Test
  void aSignedQueuedDeliveryBecomesOneTaskPostedToTheHandler() throws Exception {
    handler.stubFor(
        post(urlEqualTo("/tasks/create-runner")).willReturn(aResponse().withStatus(200)));
    String body = Deliveries.queuedGpuJob();
    HttpRequest delivery =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/webhook"))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", "workflow_job")
            .header("X-GitHub-Delivery", "d-1")
            .header("X-Hub-Signature-256", Deliveries.sign(body))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpClient client = HttpClient.newHttpClient();

    HttpResponse<String> first = client.send(delivery, HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> again = client.send(delivery, HttpResponse.BodyHandlers.ofString());

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(first.body()).contains("\"decision\":\"create-runner\"");
    assertThat(again.statusCode()).isEqualTo(202);
    // The repeat was refused at the queue, so no second task exists that could still arrive.
    assertThat(again.body()).contains("task existed already");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> !handler.findAll(postRequestedFor(urlEqualTo("/tasks/create-runner"))).isEmpty());
    handler.verify(
        1,
        postRequestedFor(urlEqualTo("/tasks/create-runner"))
            .withHeader("X-CloudTasks-QueueName", equalTo("local"))
            .withRequestBody(matchingJsonPath("$.instanceName", equalTo("ghr-4242-1"))));
  }

  @Test
  void healthzAnswers200() throws Exception {
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
  }
}
