package io.autorunner.scheduler.queue;

import io.autorunner.common.task.RunnerTask;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-process queue with Cloud Tasks' semantics, so the system runs with no cloud: named
 * deduplication, an asynchronous POST to the handler with Cloud Tasks' headers, and retries with
 * exponential backoff on anything but 2xx, up to a bounded number of attempts. Tasks live in memory
 * only; a restart loses those not yet delivered, which is acceptable for the local default and is
 * why production uses Cloud Tasks. Cloud Tasks delivers at least once: with {@code
 * autorunner.tasks.local.duplicate-fraction} above 0, that share of tasks is also dispatched a
 * second time at the same moment, so tests see the duplicates production may send.
 */
public final class LocalRunnerQueue implements RunnerQueue {

  private static final Logger log = LoggerFactory.getLogger(LocalRunnerQueue.class);

  /** Names remembered for deduplication; Cloud Tasks remembers a name for about an hour or more. */
  private static final int REMEMBERED_NAMES = 100_000;

  /** How soon a task that found every dispatch slot taken looks again. */
  private static final Duration DISPATCH_WAIT = Duration.ofMillis(25);

  private final TasksProperties tasks;
  private final HttpClient http;
  private final ScheduledExecutorService scheduler;
  private final Set<String> names =
      Collections.synchronizedSet(
          Collections.newSetFromMap(
              new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                  return size() > REMEMBERED_NAMES;
                }
              }));
  private final Semaphore inFlight;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();

  public LocalRunnerQueue(TasksProperties tasks) {
    this.tasks = tasks;
    this.inFlight = new Semaphore(tasks.local().maxConcurrentDispatches());
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.scheduler =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "local-task-queue");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public Enqueued enqueue(RunnerTask task, Duration delay) {
    String name = task.taskId();
    if (!names.add(name)) {
      return new Enqueued(name, false);
    }
    try {
      long at = Math.max(0, delay.toMillis());
      scheduler.schedule(() -> attempt(task, 0, 0, false), at, TimeUnit.MILLISECONDS);
      if (ThreadLocalRandom.current().nextDouble() < tasks.local().duplicateFraction()) {
        duplicated.incrementAndGet();
        log.info("task {} is dispatched twice at once (at-least-once delivery)", name);
        scheduler.schedule(() -> attempt(task, 0, 0, true), at, TimeUnit.MILLISECONDS);
      }
    } catch (RuntimeException rejected) {
      names.remove(name);
      throw new QueueUnavailableException("the local queue is shut down", rejected);
    }
    return new Enqueued(name, true);
  }

  /**
   * One dispatch; a failed one is retried with backoff, unless it is the duplicate of a task whose
   * own dispatch retries anyway.
   */
  private void attempt(RunnerTask task, int retries, int executions, boolean duplicate) {
    if (!inFlight.tryAcquire()) {
      // As many tasks in flight as the queue dispatches at once: this one waits its turn.
      try {
        scheduler.schedule(
            () -> attempt(task, retries, executions, duplicate),
            DISPATCH_WAIT.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RuntimeException shutDown) {
        log.warn("task {} not dispatched: the local queue is shut down", task.taskId());
      }
      return;
    }
    HttpRequest request =
        HttpRequest.newBuilder(target(task))
            .timeout(tasks.dispatchDeadline())
            .header("Content-Type", "application/json")
            .header("X-CloudTasks-QueueName", tasks.local().queueName())
            .header("X-CloudTasks-TaskName", task.taskId())
            .header("X-CloudTasks-TaskRetryCount", Integer.toString(retries))
            .header("X-CloudTasks-TaskExecutionCount", Integer.toString(executions))
            .POST(HttpRequest.BodyPublishers.ofByteArray(TaskBodies.json(task)))
            .build();
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .whenComplete(
            (response, error) -> {
              inFlight.release();
              if (error == null && response.statusCode() / 100 == 2) {
                delivered.incrementAndGet();
                return;
              }
              // Cloud Tasks counts an execution when the handler answered at all.
              int nextExecutions = error == null ? executions + 1 : executions;
              String why =
                  error == null
                      ? "HTTP " + response.statusCode()
                      : error.getClass().getSimpleName();
              failedAttempts.incrementAndGet();
              if (duplicate) {
                log.info(
                    "duplicate of task {} failed ({}); its own dispatch goes on",
                    task.taskId(),
                    why);
                return;
              }
              retryOrDrop(task, retries + 1, nextExecutions, why);
            });
  }

  private void retryOrDrop(RunnerTask task, int retries, int executions, String why) {
    if (retries >= tasks.local().maxAttempts()) {
      dropped.incrementAndGet();
      log.error(
          "task {} dropped after {} attempts (last: {}); the reconciler must catch what it"
              + " left undone",
          task.taskId(),
          retries,
          why);
      return;
    }
    Duration delay = backoff(retries);
    log.info("task {} failed ({}); retry {} in {}", task.taskId(), why, retries, delay);
    try {
      scheduler.schedule(
          () -> attempt(task, retries, executions, false), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RuntimeException shutDown) {
      log.warn("task {} not retried: the local queue is shut down", task.taskId());
    }
  }

  /** min × 2^(retries-1), capped at max: Cloud Tasks' exponential backoff. */
  Duration backoff(int retries) {
    long factor = 1L << Math.min(retries - 1, 20);
    Duration delay = tasks.local().minBackoff().multipliedBy(factor);
    return delay.compareTo(tasks.local().maxBackoff()) > 0 ? tasks.local().maxBackoff() : delay;
  }

  private URI target(RunnerTask task) {
    String base = tasks.handlerUrl().toString();
    return URI.create((base.endsWith("/") ? base : base + "/") + "tasks/" + task.kind().path());
  }

  /** Tasks the handler accepted, attempts that failed, tasks given up on: for tests and benches. */
  public Stats stats() {
    return new Stats(
        names.size(), delivered.get(), failedAttempts.get(), dropped.get(), duplicated.get());
  }

  /** Counters of the local queue since start. */
  public record Stats(
      long named, long delivered, long failedAttempts, long dropped, long duplicated) {}

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
