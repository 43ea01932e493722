package io.autorunner.scheduler.queue;

import com.google.auth.Credentials;
import io.autorunner.common.config.Background;
import io.autorunner.common.config.EndpointOverride;
import io.autorunner.common.task.RunnerTask;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud Tasks through its REST API ({@code POST /v2/{queue}/tasks}) over {@link HttpURLConnection}.
 * Each task is an HTTP task to the handler with an OIDC token of the invoker service account, named
 * by the job so that Cloud Tasks itself refuses a duplicate.
 *
 * <p>Not Google's client library: its HTTP/JSON transport turns every call into protobuf messages
 * and JSON both ways and runs it on an executor of its own, which profiling showed to be most of
 * the CPU of a webhook (and a large part of a cold start). The method is one POST of a small JSON
 * document, so it is written here; {@link CreateTaskJson} holds the wire format. The transport is
 * the one Google's client used underneath (google-http-client's NetHttpTransport): the JDK's
 * HttpURLConnection with its keep-alive cache; java.net.http cost twice the CPU a call (its
 * asynchronous pipeline hands each call between three threads). The credentials are Google's own
 * (Application Default Credentials through google-auth, which caches and refreshes the token).
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
  private final URL createUrl;
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
    try {
      this.createUrl = createUri.toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("not a Cloud Tasks address: " + createUri, e);
    }
  }

  private String base(EndpointOverride override) {
    String address = override.address();
    String withScheme = address.contains("://") ? address : "https://" + address;
    return withScheme.endsWith("/") ? withScheme.substring(0, withScheme.length() - 1) : withScheme;
  }

  /**
   * Waits for the credentials and fetches the access token (on Cloud Run, from the metadata
   * server), which the first enqueue would otherwise wait for; a failure there is only logged, as
   * the first enqueue tries again. Writes a request and reads an error answer once. Sends nothing.
   */
  @Override
  public void warmUp(RunnerTask example) {
    credentials.join().ifPresent(this::fetchToken);
    CreateTaskJson.request(task(example, Duration.ofMinutes(1)));
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
    Answer answer = send(task, CreateTaskJson.request(body));
    int status = answer.status();
    if (status / 100 == 2) {
      // A task created with a name keeps it: the answer's task need not be read (JFR: reading it
      // was ~5% of the webhook's CPU).
      return new Enqueued(body.name(), true);
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

  private Answer send(RunnerTask task, byte[] json) {
    try {
      HttpURLConnection call = (HttpURLConnection) createUrl.openConnection();
      call.setConnectTimeout((int) CALL_TIMEOUT.toMillis());
      call.setReadTimeout((int) CALL_TIMEOUT.toMillis());
      call.setInstanceFollowRedirects(false);
      call.setRequestMethod("POST");
      // Not in streaming mode: for a streamed body the JDK probes a reused connection with a 1 ms
      // read that ends in a SocketTimeoutException (JFR: on ~30% of calls). Buffered, a POST that
      // meets a stale connection is sent once more, which the task's name makes harmless.
      call.setDoOutput(true);
      call.setRequestProperty("Content-Type", "application/json");
      Optional<Credentials> authorization = credentials.join();
      if (authorization.isPresent()) {
        for (Map.Entry<String, List<String>> header :
            authorization.get().getRequestMetadata(createUri).entrySet()) {
          header.getValue().forEach(value -> call.addRequestProperty(header.getKey(), value));
        }
      }
      try (OutputStream out = call.getOutputStream()) {
        out.write(json);
      }
      int status = call.getResponseCode();
      // Read to the end and close: that returns the connection to the JDK's keep-alive cache.
      try (InputStream in = status < 400 ? call.getInputStream() : call.getErrorStream()) {
        return new Answer(status, in == null ? new byte[0] : in.readAllBytes());
      }
    } catch (IOException | RuntimeException e) {
      log.warn("Cloud Tasks unreachable for task {}: {}", task.taskId(), e.toString());
      throw new QueueUnavailableException("Cloud Tasks unreachable: " + e, e);
    }
  }

  private record Answer(int status, byte[] body) {}

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
