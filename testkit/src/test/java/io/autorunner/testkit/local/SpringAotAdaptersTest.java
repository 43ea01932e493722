package io.autorunner.testkit.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.autorunner.common.event.SampleDelivery;
import io.autorunner.common.signature.WebhookSignature;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images run with Spring's build-time AOT, which fixes the bean definitions when the jar is
 * built. The adapters are chosen from properties at run time, so the same jar must still switch:
 * here each service jar runs with {@code -Dspring.aot.enabled=true} (as {@link ServiceProcess}
 * starts it, like the image) in the modes the end-to-end simulation does not use — the scheduler on
 * Cloud Tasks, the handler in dry-run and behind the OIDC caller check. The simulation itself runs
 * the other modes (local queue, GCE adapter, no caller check) the same way.
 */
class SpringAotAdaptersTest {

  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final String QUEUE = "projects/aot-check/locations/us-central1/queues/runners";

  @TempDir Path logs;

  @Test
  void theSchedulerJarSendsTasksToCloudTasksWhenToldTo() throws Exception {
    List<String> created = new CopyOnWriteArrayList<>();
    HttpServer cloudTasks =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    cloudTasks.createContext(
        "/",
        exchange -> {
          created.add(
              exchange.getRequestURI().getPath()
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] answer = ("{\"name\":\"" + QUEUE + "/tasks/t\"}").getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    cloudTasks.start();
    try (ServiceProcess scheduler =
        ServiceProcess.start(
            "scheduler",
            ROOT.resolve("scheduler-service/target/scheduler-service.jar"),
            Map.of(
                "AUTORUNNER_WEBHOOK_SECRET", "aot-secret",
                "AUTORUNNER_TASKS_MODE", "cloud-tasks",
                "AUTORUNNER_TASKS_ENDPOINT",
                    "http://127.0.0.1:" + cloudTasks.getAddress().getPort(),
                "AUTORUNNER_TASKS_QUEUE", QUEUE,
                "AUTORUNNER_TASKS_HANDLER_URL", "https://handler.example.run.app",
                "AUTORUNNER_TASKS_INVOKER_SERVICE_ACCOUNT",
                    "invoker@aot-check.iam.gserviceaccount.com"),
            logs.resolve("scheduler.log"),
            Duration.ofSeconds(90))) {
      HttpResponse<String> answer = sendQueued(scheduler, "aot-secret", "aot-1", 4242);

      assertThat(answer.statusCode()).isEqualTo(202);
      assertThat(answer.body()).contains("create-runner");
      // The create, then the delayed stolen-runner check; both to Cloud Tasks, none in process.
      assertThat(created)
          .anySatisfy(
              call ->
                  assertThat(call)
                      .startsWith("/v2/" + QUEUE + "/tasks ")
                      .contains("create-runner-4242-1", "https://handler.example.run.app/tasks/"));
      assertThat(Files.readString(scheduler.log()))
          .contains("tasks go to Cloud Tasks queue " + QUEUE)
          .doesNotContain("in-process local queue");
    } finally {
      cloudTasks.stop(0);
    }
  }

  @Test
  void theHandlerJarRunsDryRunAndChecksCallersWhenToldTo() throws Exception {
    Path dryRun = logs.resolve("dry-run");
    try (ServiceProcess handler =
        ServiceProcess.start(
            "handler",
            ROOT.resolve("handler-service/target/handler-service.jar"),
            Map.of(
                "AUTORUNNER_HANDLER_AUTH", "oidc",
                "AUTORUNNER_HANDLER_AUDIENCE", "https://handler.example.run.app",
                "AUTORUNNER_HANDLER_INVOKER_SERVICE_ACCOUNT",
                    "invoker@aot-check.iam.gserviceaccount.com",
                "AUTORUNNER_HANDLER_OIDC_JWKS_URL", "http://127.0.0.1:9/certs",
                "AUTORUNNER_COMPUTE_MODE", "dry-run",
                "AUTORUNNER_COMPUTE_DRY_RUN_DIR", dryRun.toString(),
                "AUTORUNNER_GITHUB_TOKEN", "aot-token"),
            logs.resolve("handler.log"),
            Duration.ofSeconds(90))) {
      HttpResponse<String> unsigned =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(handler.url().resolve("/tasks/delete-runner"))
                      .header("Content-Type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString("{}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(unsigned.statusCode()).isEqualTo(401);
      assertThat(Files.readString(handler.log()))
          .contains("DRY-RUN: autorunner.compute.mode=dry-run")
          .doesNotContain("accept ANY caller");
    }
  }

  /** Sends the scheduler a signed "queued" delivery for job {@code jobId} with GPU labels. */
  static HttpResponse<String> sendQueued(
      ServiceProcess scheduler, String secret, String deliveryId, long jobId) throws Exception {
    byte[] delivery =
        SampleDelivery.queued(jobId, "acme", "models", List.of("self-hosted", "gce", "gpu"))
            .withRun(42, 1)
            .bytes();
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(scheduler.url().resolve("/webhook"))
                .header("X-GitHub-Event", "workflow_job")
                .header("X-GitHub-Delivery", deliveryId)
                .header(WebhookSignature.HEADER, WebhookSignature.sign(delivery, secret))
                .POST(HttpRequest.BodyPublishers.ofByteArray(delivery))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
