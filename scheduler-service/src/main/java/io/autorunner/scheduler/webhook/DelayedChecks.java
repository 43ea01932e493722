package io.autorunner.scheduler.webhook;

import io.autorunner.common.task.RunnerTask;
import io.autorunner.scheduler.queue.QueueUnavailableException;
import io.autorunner.scheduler.queue.RunnerQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The delayed stolen-runner check each VM asked for gets ({@code autorunner.tasks.check-delay}),
 * enqueued off the webhook's path: the webhook answers once its own task is in the queue, and
 * sender threads enqueue the checks from a bounded buffer. The check's time is fixed when the
 * webhook arrives, however late it is sent.
 *
 * <p>Nothing is dropped silently. A full buffer makes the webhook's thread send the check itself
 * (back-pressure, as before this buffer existed); a check the queue keeps refusing is logged by
 * name after {@link Limits#attempts()} tries; at shutdown the buffer is drained for up to {@link
 * Limits#drain()} (Cloud Run allows 10 s after SIGTERM) and whatever is left is logged by name. A
 * lost check loses time, not a job: the in_progress delivery of the job that took the runner
 * triggers the same check, and the reconciler replaces a job queued past its grace period with no
 * VM serving it.
 *
 * <p>On Cloud Run with request-based billing the CPU is throttled between requests, so a check may
 * wait for the next delivery (or the shutdown) to be sent; it then still runs when it was due.
 */
@Component
final class DelayedChecks implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DelayedChecks.class);

  /** How long a stopped sender may take to finish the call it was interrupted in. */
  private static final Duration SENDER_STOP = Duration.ofSeconds(1);

  private final RunnerQueue queue;
  private final Duration delay;
  private final Limits limits;
  private final Clock clock;
  private final BlockingQueue<Pending> buffer;
  private final List<Thread> senders = new ArrayList<>();
  private final Object settled = new Object();
  private final AtomicLong unfinished = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong existed = new AtomicLong();
  private final AtomicLong sentByCaller = new AtomicLong();
  private final AtomicLong lost = new AtomicLong();
  private volatile boolean closing;

  @Autowired
  DelayedChecks(RunnerQueue queue, CheckProperties check) {
    this(queue, check.checkDelay(), Limits.DEFAULT, Clock.systemUTC());
  }

  DelayedChecks(RunnerQueue queue, Duration delay, Limits limits, Clock clock) {
    this.queue = queue;
    this.delay = delay;
    this.limits = limits;
    this.clock = clock;
    this.buffer = new ArrayBlockingQueue<>(limits.capacity());
    if (delay.isZero()) {
      return;
    }
    for (int i = 0; i < limits.senders(); i++) {
      Thread sender = new Thread(this::send, "delayed-check-" + i);
      sender.setDaemon(true);
      sender.start();
      senders.add(sender);
    }
  }

  /** Gets the VM of {@code create} its delayed check; returns at once unless the buffer is full. */
  void schedule(RunnerTask.CreateRunner create) {
    if (delay.isZero()) {
      return;
    }
    Pending check =
        new Pending(
            new RunnerTask.CheckRunner(create.job(), create.instanceName()),
            clock.instant().plus(delay));
    unfinished.incrementAndGet();
    if (closing || !buffer.offer(check)) {
      sentByCaller.incrementAndGet();
      deliver(check);
    }
  }

  private void send() {
    while (true) {
      Pending check;
      try {
        check = buffer.take();
      } catch (InterruptedException stopped) {
        return;
      }
      deliver(check);
    }
  }

  /** Enqueues one check, retrying a refusal; always ends in sent, existed or logged as lost. */
  private void deliver(Pending check) {
    try {
      for (int attempt = 1; ; attempt++) {
        try {
          RunnerQueue.Enqueued enqueued = queue.enqueue(check.task(), check.delayFrom(clock));
          (enqueued.created() ? sent : existed).incrementAndGet();
          return;
        } catch (QueueUnavailableException e) {
          if (attempt >= limits.attempts() || closing || !pause(attempt)) {
            lose(check, attempt + " attempt(s), the last: " + e.getMessage());
            return;
          }
        } catch (RuntimeException e) {
          log.error("delayed check {} failed unexpectedly", check.task().taskId(), e);
          lose(check, e.toString());
          return;
        }
      }
    } finally {
      if (unfinished.decrementAndGet() == 0) {
        synchronized (settled) {
          settled.notifyAll();
        }
      }
    }
  }

  /** Waits before the next attempt; false when interrupted (shutting down). */
  private boolean pause(int attempt) {
    try {
      Thread.sleep(limits.retryAfter().multipliedBy(attempt).toMillis());
      return true;
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void lose(Pending check, String why) {
    lost.incrementAndGet();
    log.warn(
        "no delayed check for {} (job {}): {}; the reconciler covers it",
        check.task().runnerName(),
        check.task().job().jobId(),
        why);
  }

  /** Counters since start: for tests, benches and the shutdown line. */
  Stats stats() {
    return new Stats(sent.get(), existed.get(), sentByCaller.get(), lost.get(), buffer.size());
  }

  /**
   * Sends what is buffered for up to {@link Limits#drain()}, then stops the senders and logs every
   * check still unsent. Runs when the context closes, after the web server has stopped taking
   * deliveries.
   */
  @Override
  public void close() {
    closing = true;
    long deadline = System.nanoTime() + limits.drain().toNanos();
    synchronized (settled) {
      long left;
      while (unfinished.get() > 0 && (left = deadline - System.nanoTime()) > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(settled, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
    senders.forEach(Thread::interrupt);
    for (Thread sender : senders) {
      try {
        // A call in flight ends by its timeout at the latest; its check is then counted and logged.
        sender.join(SENDER_STOP.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<Pending> unsent = new ArrayList<>();
    buffer.drainTo(unsent);
    unsent.forEach(check -> lose(check, "the scheduler stopped before it was sent"));
    Stats stats = stats();
    log.info(
        "delayed checks: {} enqueued, {} existed already, {} sent by the webhook's thread (buffer"
            + " full), {} lost",
        stats.sent(),
        stats.existed(),
        stats.sentByCaller(),
        stats.lost());
  }

  /** A check and when it is due. */
  private record Pending(RunnerTask.CheckRunner task, Instant due) {
    Duration delayFrom(Clock clock) {
      Duration left = Duration.between(clock.instant(), due);
      return left.isNegative() ? Duration.ZERO : left;
    }
  }

  /**
   * @param capacity checks buffered before a webhook's thread sends its own
   * @param senders threads enqueueing from the buffer (each waits for one Cloud Tasks call at once)
   * @param attempts tries per check before it is logged as lost
   * @param retryAfter the pause after the first refusal; the n-th waits n times as long
   * @param drain how long the shutdown waits for the buffer to empty
   */
  record Limits(int capacity, int senders, int attempts, Duration retryAfter, Duration drain) {
    /** 10,000 checks are ~2 MB; 4 senders enqueue ~80 checks/s at Cloud Tasks' ~50 ms a call. */
    static final Limits DEFAULT =
        new Limits(10_000, 4, 3, Duration.ofSeconds(1), Duration.ofSeconds(5));

    Limits {
      if (capacity < 1 || senders < 1 || attempts < 1) {
        throw new IllegalArgumentException("capacity, senders and attempts must be at least 1");
      }
    }
  }

  /**
   * @param sent checks enqueued
   * @param existed checks the queue had already (a redelivered webhook)
   * @param sentByCaller checks a webhook's thread sent itself because the buffer was full
   * @param lost checks given up on, each logged
   * @param buffered checks waiting now
   */
  record Stats(long sent, long existed, long sentByCaller, long lost, int buffered) {}
}
