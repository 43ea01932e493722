package io.autorunner.scheduler.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.scheduler.queue.QueueUnavailableException;
import io.autorunner.scheduler.queue.RunnerQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The delayed checks leave the webhook's path without ever being dropped silently. */
class DelayedChecksTests {

  private static final Duration TEN_MINUTES = Duration.ofMinutes(10);
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private final CallQueue queue = new CallQueue();
  private DelayedChecks checks;

  @AfterEach
  void stop() {
    queue.release.countDown();
    if (checks != null) {
      checks.close();
    }
  }

  @Test
  void theCheckIsDueTheDelayAfterTheWebhookHoweverLateItIsSent() {
    queue.holdJob = 1;
    checks = checks(limits(10, 1, 3, Duration.ofSeconds(5)));

    checks.schedule(create(1));
    await().atMost(WAIT).until(() -> queue.calls.size() == 1);
    checks.schedule(create(2));
    clock.advance(Duration.ofMinutes(3));
    queue.release.countDown();

    await().atMost(WAIT).until(() -> queue.delays.containsKey("ghr-2-1"));
    assertThat(queue.delays.get("ghr-2-1")).isEqualTo(Duration.ofMinutes(7));
    assertThat(queue.tasks)
        .allSatisfy(task -> assertThat(task).isInstanceOf(RunnerTask.CheckRunner.class));
  }

  @Test
  void aFullBufferMakesTheWebhooksThreadSendTheCheckItself() {
    queue.holdJob = 1;
    checks = checks(limits(1, 1, 3, Duration.ofSeconds(5)));

    checks.schedule(create(1));
    await().atMost(WAIT).until(() -> queue.calls.size() == 1);
    checks.schedule(create(2));
    checks.schedule(create(3));

    assertThat(queue.threadOf.get("ghr-3-1")).isEqualTo(Thread.currentThread().getName());
    assertThat(checks.stats().sentByCaller()).isEqualTo(1);
    queue.release.countDown();
    await().atMost(WAIT).until(() -> checks.stats().sent() == 3);
    assertThat(checks.stats().lost()).isZero();
  }

  @Test
  void aRefusedCheckIsTriedAgain() {
    queue.refusals.set(2);
    checks = checks(limits(10, 1, 3, Duration.ofSeconds(5)));

    checks.schedule(create(1));

    await().atMost(WAIT).until(() -> checks.stats().sent() == 1);
    assertThat(queue.calls).hasSize(3);
    assertThat(checks.stats().lost()).isZero();
  }

  @Test
  void aCheckRefusedAtEveryAttemptIsCountedLost() {
    queue.refusals.set(Integer.MAX_VALUE);
    checks = checks(limits(10, 1, 3, Duration.ofSeconds(5)));

    checks.schedule(create(1));

    await().atMost(WAIT).until(() -> checks.stats().lost() == 1);
    assertThat(queue.calls).hasSize(3);
    assertThat(checks.stats().sent()).isZero();
  }

  @Test
  void aRepeatedCheckThatTheQueueHasIsNotSentTwice() {
    checks = checks(limits(10, 2, 3, Duration.ofSeconds(5)));

    checks.schedule(create(1));
    checks.schedule(create(1));

    await().atMost(WAIT).until(() -> checks.stats().sent() + checks.stats().existed() == 2);
    assertThat(checks.stats().sent()).isEqualTo(1);
    assertThat(checks.stats().existed()).isEqualTo(1);
  }

  @Test
  void closingSendsWhatIsBufferedBeforeItReturns() {
    queue.holdJob = 1;
    checks = checks(limits(100, 1, 3, Duration.ofSeconds(5)));
    for (int job = 1; job <= 20; job++) {
      checks.schedule(create(job));
    }
    await().atMost(WAIT).until(() -> queue.calls.size() == 1);

    queue.release.countDown();
    checks.close();

    assertThat(checks.stats().sent()).isEqualTo(20);
    assertThat(checks.stats().buffered()).isZero();
    assertThat(checks.stats().lost()).isZero();
  }

  @Test
  void whatCannotBeSentBeforeTheDrainEndsIsCountedLost() {
    queue.holdJob = 1;
    checks = checks(limits(100, 1, 3, Duration.ofMillis(200)));
    for (int job = 1; job <= 5; job++) {
      checks.schedule(create(job));
    }
    await().atMost(WAIT).until(() -> queue.calls.size() == 1);

    checks.close();

    // The one held in the queue's call (interrupted) and the four still buffered.
    assertThat(checks.stats().lost()).isEqualTo(5);
    assertThat(checks.stats().sent()).isZero();
  }

  @Test
  void aZeroDelaySchedulesNothing() {
    checks =
        new DelayedChecks(queue, Duration.ZERO, limits(10, 1, 3, Duration.ofSeconds(1)), clock);

    checks.schedule(create(1));
    checks.close();

    assertThat(queue.calls).isEmpty();
  }

  private DelayedChecks checks(DelayedChecks.Limits limits) {
    return new DelayedChecks(queue, TEN_MINUTES, limits, clock);
  }

  private static DelayedChecks.Limits limits(
      int capacity, int senders, int attempts, Duration drain) {
    return new DelayedChecks.Limits(capacity, senders, attempts, Duration.ofMillis(1), drain);
  }

  private static RunnerTask.CreateRunner create(long job) {
    return new RunnerTask.CreateRunner(
        new JobRef(job, 900 + job, 1, "acme/models", "acme", 555L),
        List.of("self-hosted", "gce"),
        "ghr-" + job + "-1");
  }

  /**
   * A queue that records each call, deduplicates by name, refuses a set number of calls, and holds
   * the call for one job until released (or interrupted, as a shutdown interrupts its senders).
   */
  private static final class CallQueue implements RunnerQueue {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<RunnerTask> tasks = new CopyOnWriteArrayList<>();
    final Map<String, Duration> delays = new ConcurrentHashMap<>();
    final Map<String, String> threadOf = new ConcurrentHashMap<>();
    final AtomicInteger refusals = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    volatile long holdJob = -1;

    @Override
    public Enqueued enqueue(RunnerTask task, Duration delay) {
      RunnerTask.CheckRunner check = (RunnerTask.CheckRunner) task;
      calls.add(task.taskId());
      threadOf.put(check.runnerName(), Thread.currentThread().getName());
      if (check.job().jobId() == holdJob) {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new QueueUnavailableException("interrupted", e);
        }
      }
      if (refusals.getAndDecrement() > 0) {
        throw new QueueUnavailableException("Cloud Tasks answered UNAVAILABLE", null);
      }
      boolean created = delays.putIfAbsent(check.runnerName(), delay) == null;
      if (created) {
        tasks.add(task);
      }
      return new Enqueued(task.taskId(), created);
    }
  }

  private static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
