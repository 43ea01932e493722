package io.autorunner.scheduler.webhook;

import io.autorunner.common.task.RunnerTask;
import io.autorunner.scheduler.queue.QueueUnavailableException;
import io.autorunner.scheduler.queue.RunnerQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A queue that deduplicates by name like the real ones, records tasks, and can be "down". */
final class RecordingQueue implements RunnerQueue {

  final Map<String, RunnerTask> tasks = new LinkedHashMap<>();
  final List<String> calls = new ArrayList<>();
  // Delayed tasks arrive from DelayedChecks' sender threads while the test reads them.
  final Map<String, RunnerTask> delayed = Collections.synchronizedMap(new LinkedHashMap<>());
  final List<String> delayedCalls = Collections.synchronizedList(new ArrayList<>());
  volatile boolean down;

  /** Thrown by every enqueue when set: a fault of autorunner's own, not an outage. */
  volatile RuntimeException broken;

  // When set, each call waits (as a slow queue would) until this many calls are in it at once.
  volatile CountDownLatch together;

  @Override
  public Enqueued enqueue(RunnerTask task, java.time.Duration delay) {
    CountDownLatch latch = together;
    if (latch != null) {
      latch.countDown();
      try {
        if (!latch.await(10, TimeUnit.SECONDS)) {
          throw new QueueUnavailableException("the other calls never came at once", null);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new QueueUnavailableException("interrupted", e);
      }
    }
    return record(task, delay);
  }

  private synchronized Enqueued record(RunnerTask task, java.time.Duration delay) {
    if (!delay.isZero()) {
      delayedCalls.add(task.taskId());
      if (down) {
        throw new QueueUnavailableException("connection refused", null);
      }
      boolean created = delayed.putIfAbsent(task.taskId(), task) == null;
      return new Enqueued("queues/test/tasks/" + task.taskId(), created);
    }
    calls.add(task.taskId());
    if (broken != null) {
      throw broken;
    }
    if (down) {
      throw new QueueUnavailableException("connection refused", null);
    }
    boolean created = tasks.putIfAbsent(task.taskId(), task) == null;
    return new Enqueued("queues/test/tasks/" + task.taskId(), created);
  }
}
