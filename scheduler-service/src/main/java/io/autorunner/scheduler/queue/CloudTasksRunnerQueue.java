package io.autorunner.scheduler.queue;

import com.google.auth.Credentials;
import io.autorunner.common.config.Background;
import io.autorunner.common.config.EndpointOverride;
import io.autorunner.common.task.RunnerTask;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud Tasks through its REST API ({@code POST /v2/{queue}/tasks}) on the JDK's HTTP client. Each
 * task is an HTTP task to the handler with an OIDC token of the invoker service account, named by
 * the job so that Cloud Tasks itself refuses a duplicate.
 *
 * <p>Not Google's client library: its HTTP/JSON transport turns every call into protobuf messages
 * and JSON both ways and runs it on an executor of its own, which profiling showed to be most of
 * the CPU of a webhook (and a large part of a cold start). The method is one POST of a small JSON
 * document, so it is written here; {@link CreateTaskJson} holds the wire format. The credentials
 * are Google's own (Application Default Credentials through google-auth, which caches and refreshes
 * the token).
 *
 * <p>The credentials are looked up on their own thread while Spring builds the rest of the service
 * (on Cloud Run that asks the metadata server); {@link #warmUp} waits for them, so credentials that
 * cannot be found still stop the service from starting.
 */
public final class CloudTasksRunnerQueue implements RunnerQueue {

  private static final Logger log = LoggerFactory.getLogger(CloudTasksRunnerQueue.class);

  /** Google's Cloud Tasks API, when {@code autorunner.tasks.endpoint} does not name another. */
  static final String GOOGLE_ENDPOINT = "https://cloudtasks.googleapis.com";

  /** GitHub gives up on a webhook after 10 s; the enqueue must answer well within that. */
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  private final TasksProperties tasks;
  private final Background<Optional<Credentials>> credentials;
  private final URI createUri;
  private final HttpClient http;
  private final Clock clock;

  /**
   * @param credentials what authorizes each call; empty for a stand-in on this machine (an {@code
   *     http://} endpoint, see {@link EndpointOverride})
   */
  public CloudTasksRunnerQueue(
      TasksProperties tasks, Background<Optional<Credentials>> credentials) {
    this(tasks, credentials, Clock.systemUTC());
  }

  CloudTasksRunnerQueue(
      TasksProperties tasks, Background<Optional<Credentials>> credentials, Clock clock) {
    this.tasks = tasks;
    this.credentials = credentials;
    this.clock = clock;
    String base = EndpointOverride.of(tasks.endpoint()).map(this::base).orElse(GOOGLE_ENDPOINT);
    this.createUri = URI.create(base + "/v2/" + tasks.queue() + "/tasks");
    this.http =
        HttpClient.newBuilder()
            // A stand-in on loopback speaks plain HTTP/1.1; Google's endpoint HTTP/2 (one
            // connection for all concurrent calls).
            .version(
                createUri.getScheme().equals("http")
                    ? HttpClient.Version.HTTP_1_1
                    : HttpClient.Version.HTTP_2)
            .connectTimeout(CALL_TIMEOUT)
            .build();
  }

  private String base(EndpointOverride override) {
    String address = override.address();
    String withScheme = address.contains("://") ? address : "https://" + address;
    return withScheme.endsWith("/") ? withScheme.substring(0, withScheme.length() - 1) : withScheme;
  }

  /**
   * Waits for the credentials and fetches the access token (on Cloud Run, from the metadata
   * server), which the first enqueue would otherwise wait for; a failure there is only logged, as
   * the first enqueue tries again. Writes a request and reads both kinds of answer once. Sends
   * nothing.
   */
  @Override
  public void warmUp(RunnerTask example) {
    credentials.join().ifPresent(this::fetchToken);
    CreateTaskJson.request(task(example, Duration.ofMinutes(1)));
    CreateTaskJson.createdName(
        ("{\"name\":\"" + tasks.queue() + "/tasks/warm-up\"}").getBytes(StandardCharsets.UTF_8));
    CreateTaskJson.error(
        409,
        "{\"error\":{\"code\":409,\"message\":\"exists\",\"status\":\"ALREADY_EXISTS\"}}"
            .getBytes(StandardCharsets.UTF_8));
  }

  private void fetchToken(Credentials ready) {
    try {
      ready.getRequestMetadata(createUri);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "no Cloud Tasks access token at start-up (the first enqueue tries again): {}",
          e.toString());
    }
  }

  @Override
  public Enqueued enqueue(RunnerTask task, Duration delay) {
    CreateTaskJson.Task body = task(task, delay);
    HttpResponse<byte[]> answer = send(task, CreateTaskJson.request(body));
    int status = answer.statusCode();
    if (status / 100 == 2) {
      return new Enqueued(CreateTaskJson.createdName(answer.body()).orElse(body.name()), true);
    }
    if (status == 409) {
      // ALREADY_EXISTS: a task of this name exists or ran lately, which is exactly what a
      // redelivered webhook should find.
      return new Enqueued(body.name(), false);
    }
    String why = CreateTaskJson.error(status, answer.body());
    log.warn("Cloud Tasks refused task {}: {}", task.taskId(), why);
    throw new QueueUnavailableException("Cloud Tasks answered " + why, null);
  }

  private HttpResponse<byte[]> send(RunnerTask task, byte[] json) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(createUri)
            .timeout(CALL_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json));
    try {
      Optional<Credentials> authorization = credentials.join();
      if (authorization.isPresent()) {
        for (Map.Entry<String, List<String>> header :
            authorization.get().getRequestMetadata(createUri).entrySet()) {
          header.getValue().forEach(value -> request.header(header.getKey(), value));
        }
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException | RuntimeException e) {
      log.warn("Cloud Tasks unreachable for task {}: {}", task.taskId(), e.toString());
      throw new QueueUnavailableException("Cloud Tasks unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new QueueUnavailableException("interrupted while calling Cloud Tasks", e);
    }
  }

  /** The HTTP task to the handler, named by the task's id, with the invoker's OIDC token. */
  private CreateTaskJson.Task task(RunnerTask task, Duration delay) {
    String scheduleTime =
        delay.isZero() || delay.isNegative()
            ? null
            : CreateTaskJson.timestamp(clock.instant().plus(delay));
    return new CreateTaskJson.Task(
        tasks.queue() + "/tasks/" + task.taskId(),
        scheduleTime,
        CreateTaskJson.duration(tasks.dispatchDeadline()),
        new CreateTaskJson.HttpRequest(
            handlerUrl(task),
            "POST",
            Map.of("Content-Type", "application/json"),
            TaskBodies.json(task),
            new CreateTaskJson.OidcToken(tasks.invokerServiceAccount(), tasks.oidcAudience())));
  }

  private String handlerUrl(RunnerTask task) {
    String base = tasks.handlerUrl().toString();
    return (base.endsWith("/") ? base : base + "/") + "tasks/" + task.kind().path();
  }
}
