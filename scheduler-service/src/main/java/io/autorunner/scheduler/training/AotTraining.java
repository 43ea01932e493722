package io.autorunner.scheduler.training;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.autorunner.common.event.SampleDelivery;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.scheduler.SchedulerApplication;
import io.autorunner.scheduler.webhook.WebhookServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The training run behind the image's JVM AOT cache (Dockerfile.scheduler, bench/startup.sh).
 *
 * <p>It starts the scheduler in its production mode ({@code cloud-tasks}) against a Cloud Tasks
 * stand-in on 127.0.0.1, sends it signed deliveries of every shape GitHub sends (queued, picked up,
 * on another job's runner, completed, cancelled before pickup, a ping, foreign labels, a bad
 * signature, a redelivery that Cloud Tasks answers with ALREADY_EXISTS), then stops. Run with
 * {@code -XX:AOTCacheOutput}, the JVM writes the classes this loaded and linked and the profiles of
 * the methods it ran, so that a new instance answers its first webhook without loading or linking
 * any of it again. Nothing leaves the machine: no GCP, no GitHub, a random secret.
 *
 * <p>Exits 0 when every delivery got the answer it should, 1 otherwise: a training run that did not
 * walk the webhook's path would leave a cache that does not cover it, so the image build stops.
 *
 * <p>Usage: {@code java [flags] -cp scheduler-service.jar
 * io.autorunner.scheduler.training.AotTraining [ROUNDS]}
 */
public final class AotTraining {

  private static final String QUEUE = "projects/aot-training/locations/local/queues/training";
  private static final Pattern TASK_NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");

  private final String secret;
  private final URI webhook;
  private final List<String> failures = new ArrayList<>();

  private AotTraining(String secret, URI webhook) {
    this.secret = secret;
    this.webhook = webhook;
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    System.exit(train(rounds) ? 0 : 1);
  }

  /** One training run; true when every delivery was answered as it should be. */
  public static boolean train(int rounds) throws Exception {
    byte[] random = new byte[16];
    new SecureRandom().nextBytes(random);
    String secret = HexFormat.of().formatHex(random);
    // The stand-in is this process's first JDK HTTP server: the scheduler's limits must be set
    // before it, as the JDK reads them once.
    WebhookServer.configureJdkServer();
    HttpServer tasks = cloudTasksStandIn();
    tasks.start();
    String[] properties = {
      "--server.port=0",
      "--server.address=127.0.0.1",
      "--autorunner.webhook.secret=" + secret,
      "--autorunner.tasks.mode=cloud-tasks",
      "--autorunner.tasks.endpoint=http://127.0.0.1:" + tasks.getAddress().getPort(),
      "--autorunner.tasks.queue=" + QUEUE,
      "--autorunner.tasks.handler-url=https://handler.invalid",
      "--autorunner.tasks.invoker-service-account=invoker@aot-training.iam.gserviceaccount.com"
    };
    SpringApplication application = new SpringApplication(SchedulerApplication.class);
    // The scheduler's own main class, so that Spring finds its build-time AOT initializer.
    application.setMainApplicationClass(SchedulerApplication.class);
    try (ConfigurableApplicationContext context = application.run(properties)) {
      int port = context.getBean(WebhookServer.class).port();
      AotTraining training =
          new AotTraining(secret, URI.create("http://127.0.0.1:" + port + "/webhook"));
      for (int round = 0; round < rounds; round++) {
        training.round(1_000_000L + round);
      }
      training.failures.forEach(failure -> System.err.println("aot-training: " + failure));
      System.out.printf(
          "aot-training: %d rounds, %d unexpected answers%n", rounds, training.failures.size());
      return training.failures.isEmpty();
    } finally {
      tasks.stop(0);
    }
  }

  /** Every shape of delivery once, for job {@code job}. */
  private void round(long job) throws IOException {
    String own = "ghr-" + job + "-1";
    expect2xx("queued", job, "queued", List.of("self-hosted", "gce", "gpu"), null, null);
    expect2xx("queued", job, "queued", List.of("self-hosted", "gce", "gpu"), null, null);
    expect2xx("queued", job + 1, "queued", List.of("self-hosted", "gce"), null, null);
    expect2xx(
        "queued",
        job + 2,
        "queued",
        List.of("self-hosted", "gce", "gpu-l4", "g2-standard-8"),
        null,
        null);
    expect2xx("in_progress", job, "in_progress", List.of("self-hosted", "gce", "gpu"), own, null);
    expect2xx(
        "in_progress",
        job + 1,
        "in_progress",
        List.of("self-hosted", "gce"),
        "ghr-" + (job + 2) + "-1",
        null);
    expect2xx("completed", job, "completed", List.of("self-hosted", "gce", "gpu"), own, "success");
    expect2xx("completed", job + 3, "completed", List.of("self-hosted", "gce"), null, "cancelled");
    expect2xx("queued", job + 4, "queued", List.of("ubuntu-latest"), null, null);
    expectStatus(send("ping", "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}", true), 200);
    expectStatus(
        send("workflow_job", delivery(job, "queued", "queued", List.of("gce"), null, null), false),
        401);
  }

  private void expect2xx(
      String action, long job, String status, List<String> labels, String runner, String conclusion)
      throws IOException {
    int answer =
        send("workflow_job", delivery(job, action, status, labels, runner, conclusion), true);
    if (answer / 100 != 2) {
      failures.add(action + " " + labels + " answered " + answer);
    }
  }

  private void expectStatus(int answer, int expected) {
    if (answer != expected) {
      failures.add("expected " + expected + ", answered " + answer);
    }
  }

  /**
   * One signed delivery; the answer's status. {@link HttpURLConnection} rather than the JDK's
   * HttpClient: it is what the Cloud Tasks client's transport uses anyway, so the cache holds no
   * classes only this run needed.
   */
  private int send(String event, String body, boolean signed) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpURLConnection connection = (HttpURLConnection) webhook.toURL().openConnection();
    try {
      connection.setConnectTimeout(5_000);
      connection.setReadTimeout(10_000);
      connection.setRequestMethod("POST");
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      connection.setRequestProperty("X-GitHub-Event", event);
      connection.setRequestProperty("X-GitHub-Delivery", "aot-training-" + System.nanoTime());
      connection.setRequestProperty(
          WebhookSignature.HEADER, WebhookSignature.sign(bytes, signed ? secret : "not-" + secret));
      try (OutputStream out = connection.getOutputStream()) {
        out.write(bytes);
      }
      int status = connection.getResponseCode();
      try (InputStream in =
          status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
        if (in != null) {
          in.readAllBytes();
        }
      }
      return status;
    } finally {
      connection.disconnect();
    }
  }

  private static String delivery(
      long job,
      String action,
      String status,
      List<String> labels,
      String runner,
      String conclusion) {
    SampleDelivery delivery =
        SampleDelivery.queued(job, "training", "models", labels)
            .withRun(job / 10, 1)
            .withAction(action, status);
    if (runner != null) {
      delivery = delivery.withRunner(runner, 7);
    }
    if (conclusion != null) {
      delivery = delivery.completed(conclusion);
    }
    return delivery.json();
  }

  /**
   * Cloud Tasks' createTask on loopback: answers with the task's name, and every third time with
   * ALREADY_EXISTS as Cloud Tasks does for a task name it has seen (the redelivery path).
   */
  private static HttpServer cloudTasksStandIn() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    AtomicInteger calls = new AtomicInteger();
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          Matcher name = TASK_NAME.matcher(body);
          if (calls.incrementAndGet() % 3 == 0) {
            answer(
                exchange,
                409,
                "{\"error\":{\"code\":409,\"message\":\"Requested entity already exists\","
                    + "\"status\":\"ALREADY_EXISTS\"}}");
          } else {
            answer(exchange, 200, "{\"name\":\"" + (name.find() ? name.group(1) : "") + "\"}");
          }
        });
    return server;
  }

  private static void answer(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
