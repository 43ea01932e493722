package io.autorunner.scheduler.queue;

import io.autorunner.common.config.Require;
import java.net.URI;
import java.time.Duration;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.tasks.*}: where tasks go.
 *
 * @param mode {@code local} (default: in-process queue with Cloud Tasks' semantics) or {@code
 *     cloud-tasks}
 * @param queue {@code projects/P/locations/L/queues/Q} (cloud-tasks)
 * @param handlerUrl the handler's base URL; tasks POST to {@code {handler-url}/tasks/{kind}}
 * @param invokerServiceAccount the service account whose OIDC token Cloud Tasks sends
 * @param audience the OIDC audience; empty: the handler URL
 * @param endpoint overrides the Cloud Tasks API address (tests: {@code http://127.0.0.1:PORT})
 * @param dispatchDeadline how long Cloud Tasks waits for the handler (a VM insert over several
 *     zones); Cloud Tasks allows 15 s to 30 min
 * @param local the in-process queue's retry policy
 */
@ConfigurationProperties("autorunner.tasks")
public record TasksProperties(
    @DefaultValue("local") Mode mode,
    String queue,
    @DefaultValue("http://localhost:8081") URI handlerUrl,
    String invokerServiceAccount,
    String audience,
    String endpoint,
    @DefaultValue("10m") Duration dispatchDeadline,
    @DefaultValue Local local) {

  private static final Pattern QUEUE =
      Pattern.compile(
          "projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/locations/[a-z0-9-]+/queues/[A-Za-z0-9-]{1,100}");

  public TasksProperties {
    Require.that(mode != null, "autorunner.tasks.mode must be local or cloud-tasks");
    Require.that(handlerUrl != null, "autorunner.tasks.handler-url is required");
    if (dispatchDeadline.compareTo(Duration.ofSeconds(15)) < 0
        || dispatchDeadline.compareTo(Duration.ofMinutes(30)) > 0) {
      throw new IllegalArgumentException(
          "autorunner.tasks.dispatch-deadline must be between 15s and 30m, not "
              + dispatchDeadline);
    }
    if (mode == Mode.CLOUD_TASKS) {
      if (queue == null || !QUEUE.matcher(queue).matches()) {
        throw new IllegalArgumentException(
            "autorunner.tasks.queue must be projects/P/locations/L/queues/Q with"
                + " autorunner.tasks.mode=cloud-tasks");
      }
      if (invokerServiceAccount == null || invokerServiceAccount.isBlank()) {
        throw new IllegalArgumentException(
            "autorunner.tasks.invoker-service-account is required with"
                + " autorunner.tasks.mode=cloud-tasks");
      }
      if (!"https".equals(handlerUrl.getScheme()) && !plainHttpToLoopback(handlerUrl)) {
        throw new IllegalArgumentException(
            "autorunner.tasks.handler-url must be the handler's https URL with"
                + " autorunner.tasks.mode=cloud-tasks (http only to a loopback host, e.g. beside"
                + " a Cloud Tasks emulator)");
      }
    }
  }

  /**
   * Plain http carries the task's OIDC token in clear: acceptable only when the handler is on this
   * very machine (an emulator or a local fake of Cloud Tasks delivers there).
   */
  public static boolean plainHttpToLoopback(URI url) {
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      return false;
    }
    String host = url.getHost();
    return host.equals("localhost")
        || host.equals("[::1]")
        || host.equals("::1")
        || host.matches("127(\\.[0-9]{1,3}){3}");
  }

  /** The OIDC audience the handler checks: the configured one, else the handler URL. */
  public String oidcAudience() {
    return audience == null || audience.isBlank() ? handlerUrl.toString() : audience;
  }

  /** The queue adapters. */
  public enum Mode {
    LOCAL,
    CLOUD_TASKS
  }

  /**
   * The local queue's retries, like a Cloud Tasks queue's retry config.
   *
   * @param maxAttempts attempts before a task is dropped (loudly)
   * @param minBackoff first retry delay; doubles each time
   * @param maxBackoff the longest retry delay
   * @param queueName the name sent in {@code X-CloudTasks-QueueName}
   * @param maxConcurrentDispatches tasks in flight to the handler at once, like the Cloud Tasks
   *     queue's {@code maxConcurrentDispatches} that {@code deploy/setup.sh} sets
   * @param duplicateFraction the share of tasks dispatched twice at the same moment, as Cloud
   *     Tasks' at-least-once delivery may (0 by default; tests of idempotency raise it)
   */
  public record Local(
      @DefaultValue("10") int maxAttempts,
      @DefaultValue("1s") Duration minBackoff,
      @DefaultValue("60s") Duration maxBackoff,
      @DefaultValue("local") String queueName,
      @DefaultValue("10") int maxConcurrentDispatches,
      @DefaultValue("0") double duplicateFraction) {

    public Local {
      Require.between(maxAttempts, 1, 100, "autorunner.tasks.local.max-attempts");
      Require.between(
          maxConcurrentDispatches, 1, 1000, "autorunner.tasks.local.max-concurrent-dispatches");
      Require.that(
          duplicateFraction >= 0 && duplicateFraction <= 1,
          "autorunner.tasks.local.duplicate-fraction must be between 0 and 1");
      Require.that(
          minBackoff != null && maxBackoff != null && !minBackoff.isNegative(),
          "autorunner.tasks.local.min-backoff and max-backoff must be durations");
    }
  }
}
