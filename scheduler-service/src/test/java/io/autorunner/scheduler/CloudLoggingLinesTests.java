package io.autorunner.scheduler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.autorunner.common.logging.LogFields;
import io.autorunner.scheduler.webhook.WebhookServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The scheduler as the image runs it: Spring Boot's structured logging with the Cloud Logging
 * formatter named by class, as {@code logging.structured.format.console} is set on Cloud Run. Every
 * line of a run parses as one JSON object with a severity, the deliveries carry their fields and
 * the request's trace, and the webhook secret is in none of them.
 */
@SpringBootTest(
    properties = {
      "server.port=0",
      "logging.structured.format.console=io.autorunner.common.logging.CloudLoggingFormatter",
      "autorunner.logging.project=test-proj"
    })
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class CloudLoggingLinesTests {

  static {
    // Logback is set up once per JVM: a context cached by an earlier test class left it set up
    // as text, and Spring Boot would keep that. Closing this context (DirtiesContext) sets it up
    // afresh for the next.
    LoggingSystem.get(CloudLoggingLinesTests.class.getClassLoader()).cleanUp();
  }

  /** Spring Boot hands the format to Logback as a system property: the next classes log text. */
  @AfterAll
  static void textAgainForTheNextTestClasses() {
    System.clearProperty("CONSOLE_LOG_STRUCTURED_FORMAT");
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TRACE = "105445aa7843bc8bf206b12000100000";

  @RegisterExtension
  static WireMockExtension handler =
      WireMockExtension.newInstance().options(options().dynamicPort()).build();

  @Autowired WebhookServer server;

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    registry.add("autorunner.webhook.secret", () -> Deliveries.SECRET);
    registry.add("autorunner.tasks.handler-url", () -> "http://127.0.0.1:" + handler.getPort());
  }

  @Test
  void everyLineIsCloudLoggingJsonWithTheDeliverysFieldsAndNoSecret(CapturedOutput output)
      throws Exception {
    handler.stubFor(post(anyUrl()).willReturn(aResponse().withStatus(200)));
    List<String> gpu = List.of("self-hosted", "gce", "gpu");

    assertThat(deliver("d-queued", Deliveries.queuedGpuJob(), true)).isEqualTo(202);
    assertThat(
            deliver(
                "d-started",
                Deliveries.workflowJob("in_progress", 4242, gpu, "ghr-4242-1", true),
                true))
        .isEqualTo(200);
    assertThat(deliver("d-forged", Deliveries.queuedGpuJob(), false)).isEqualTo(401);

    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.getOut().split("\n")) {
      if (!line.isBlank() && line.startsWith("{")) {
        lines.add(JSON.readTree(line));
      }
    }
    assertThat(lines).isNotEmpty();
    assertThat(lines)
        .allSatisfy(
            json -> {
              assertThat(json.path("severity").asString())
                  .isIn("DEBUG", "INFO", "WARNING", "ERROR");
              assertThat(json.path("message").isString()).isTrue();
            });
    JsonNode queued = delivery(lines, "d-queued").orElseThrow();
    assertThat(queued.path(LogFields.EVENT).asString()).isEqualTo(LogFields.Events.DELIVERY);
    assertThat(queued.path(LogFields.DECISION).asString()).isEqualTo("create-runner");
    assertThat(queued.path(LogFields.JOB_ID).asLong()).isEqualTo(4242);
    assertThat(queued.path(LogFields.RUN_ID).asLong()).isEqualTo(9001);
    assertThat(queued.path(LogFields.REPOSITORY).asString()).isEqualTo("acme/models");
    assertThat(queued.path(LogFields.WORKFLOW).asString()).isEqualTo("GPU tests");
    assertThat(queued.path(LogFields.STATUS).asInt()).isEqualTo(202);
    assertThat(queued.path(LogFields.LATENCY_MS).isNumber()).isTrue();
    assertThat(queued.path("logging.googleapis.com/trace").asString())
        .isEqualTo("projects/test-proj/traces/" + TRACE);
    JsonNode started = delivery(lines, "d-started").orElseThrow();
    assertThat(started.path(LogFields.DECISION).asString()).isEqualTo("started");
    assertThat(started.path(LogFields.QUEUED_TO_START_S).asDouble()).isEqualTo(75.0);
    JsonNode forged = delivery(lines, "d-forged").orElseThrow();
    assertThat(forged.path(LogFields.STATUS).asInt()).isEqualTo(401);
    assertThat(output.getAll()).doesNotContain(Deliveries.SECRET);
  }

  private static Optional<JsonNode> delivery(List<JsonNode> lines, String id) {
    return lines.stream()
        .filter(json -> id.equals(json.path(LogFields.DELIVERY).asString()))
        .findFirst();
  }

  private int deliver(String id, String body, boolean signed) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/webhook"))
            .header("Content-Type", "application/json")
            .header("X-GitHub-Event", "workflow_job")
            .header("X-GitHub-Delivery", id)
            .header("X-Cloud-Trace-Context", TRACE + "/1;o=1")
            .header(
                "X-Hub-Signature-256", signed ? Deliveries.sign(body) : "sha256=" + "0".repeat(64))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return HttpClient.newHttpClient()
        .send(request, HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
