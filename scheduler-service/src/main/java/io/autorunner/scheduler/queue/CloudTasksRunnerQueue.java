package io.autorunner.scheduler.queue;

import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.AlreadyExistsException;
import com.google.api.gax.rpc.ApiException;
import com.google.auth.Credentials;
import com.google.cloud.tasks.v2.CloudTasksClient;
import com.google.cloud.tasks.v2.CreateTaskRequest;
import com.google.cloud.tasks.v2.HttpMethod;
import com.google.cloud.tasks.v2.HttpRequest;
import com.google.cloud.tasks.v2.OidcToken;
import com.google.cloud.tasks.v2.Task;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.autorunner.common.config.Background;
import io.autorunner.common.task.RunnerTask;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cloud Tasks over its HTTP/JSON transport (lighter and quicker to start than gRPC). Each task is
 * an HTTP task to the handler with an OIDC token of the invoker service account, named by the job
 * so that Cloud Tasks itself refuses a duplicate.
 *
 * <p>The client is built on its own thread while Spring builds the rest of the service
 * (credentials, transport and the protobuf machinery take a noticeable part of a cold start);
 * {@link #warmUp} waits for it, so a client that cannot be built still stops the service from
 * starting.
 */
public final class CloudTasksRunnerQueue implements RunnerQueue {

  private static final Logger log = LoggerFactory.getLogger(CloudTasksRunnerQueue.class);

  private final Background<CloudTasksClient> client;
  private final TasksProperties tasks;

  public CloudTasksRunnerQueue(CloudTasksClient client, TasksProperties tasks) {
    this(Background.done(client), tasks);
  }

  /** A queue whose client is still being built ({@code SchedulerConfiguration} builds it). */
  public CloudTasksRunnerQueue(Background<CloudTasksClient> client, TasksProperties tasks) {
    this.client = client;
    this.tasks = tasks;
  }

  /**
   * Waits for the client and runs the in-process part of an enqueue once: the task's body, the
   * request and its protobuf JSON both ways, as the HTTP/JSON transport writes and reads them. It
   * also fetches the access token (on Cloud Run, from the metadata server), which the first enqueue
   * would otherwise wait for; a failure there is only logged, as the first enqueue tries again.
   */
  @Override
  public void warmUp(RunnerTask example) {
    CloudTasksClient ready = client.join();
    fetchToken(ready);
    Task request = request(example, Duration.ofMinutes(1));
    try {
      String json = JsonFormat.printer().print(request);
      JsonFormat.parser().ignoringUnknownFields().merge(json, Task.newBuilder());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot write a Cloud Tasks request: " + e.getMessage(), e);
    }
  }

  private static void fetchToken(CloudTasksClient client) {
    try {
      Credentials credentials = client.getSettings().getCredentialsProvider().getCredentials();
      if (credentials != null) {
        credentials.getRequestMetadata(URI.create(client.getSettings().getEndpoint()));
      }
    } catch (IOException | RuntimeException e) {
      log.warn(
          "no Cloud Tasks access token at start-up (the first enqueue tries again): {}",
          e.toString());
    }
  }

  @Override
  public Enqueued enqueue(RunnerTask task, java.time.Duration delay) {
    Task request = request(task, delay);
    String name = request.getName();
    try {
      Task created =
          client
              .join()
              .createTask(
                  CreateTaskRequest.newBuilder().setParent(tasks.queue()).setTask(request).build());
      return new Enqueued(created.getName().isEmpty() ? name : created.getName(), true);
    } catch (AlreadyExistsException | AbortedException duplicate) {
      // Over REST a 409 ALREADY_EXISTS surfaces as AbortedException: the task exists, which is
      // exactly what a redelivered webhook should find.
      return new Enqueued(name, false);
    } catch (ApiException e) {
      log.warn(
          "Cloud Tasks refused task {}: {} {}",
          task.taskId(),
          e.getStatusCode().getCode(),
          e.getMessage());
      throw new QueueUnavailableException("Cloud Tasks answered " + e.getStatusCode().getCode(), e);
    } catch (RuntimeException e) {
      log.warn("Cloud Tasks unreachable for task {}: {}", task.taskId(), e.toString());
      throw new QueueUnavailableException("Cloud Tasks unreachable: " + e.getMessage(), e);
    }
  }

  /** The HTTP task to the handler, named by the task's id, with the invoker's OIDC token. */
  private Task request(RunnerTask task, Duration delay) {
    Task.Builder builder = Task.newBuilder();
    if (!delay.isZero() && !delay.isNegative()) {
      java.time.Instant at = java.time.Instant.now().plus(delay);
      builder.setScheduleTime(
          com.google.protobuf.Timestamp.newBuilder()
              .setSeconds(at.getEpochSecond())
              .setNanos(at.getNano()));
    }
    return builder
        .setName(tasks.queue() + "/tasks/" + task.taskId())
        .setDispatchDeadline(
            com.google.protobuf.Duration.newBuilder()
                .setSeconds(tasks.dispatchDeadline().toSeconds()))
        .setHttpRequest(
            HttpRequest.newBuilder()
                .setHttpMethod(HttpMethod.POST)
                .setUrl(handlerUrl(task))
                .putHeaders("Content-Type", "application/json")
                .setBody(ByteString.copyFrom(TaskBodies.json(task)))
                .setOidcToken(
                    OidcToken.newBuilder()
                        .setServiceAccountEmail(tasks.invokerServiceAccount())
                        .setAudience(tasks.oidcAudience())))
        .build();
  }

  private String handlerUrl(RunnerTask task) {
    String base = tasks.handlerUrl().toString();
    return (base.endsWith("/") ? base : base + "/") + "tasks/" + task.kind().path();
  }

  @Override
  public void close() {
    client.whenDone(CloudTasksClient::close);
  }
}
