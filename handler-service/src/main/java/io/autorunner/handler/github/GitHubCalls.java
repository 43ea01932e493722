package io.autorunner.handler.github;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Counts the GitHub REST calls made on the current thread while a piece of work runs, so a sweep
 * can report what it cost ("GitHub calls per sweep"). Every client of this package records here:
 * {@link GitHubHttp} and the App's token exchange.
 *
 * <p>Thread-scoped on purpose: overlapping sweeps or tasks on other threads never mix into one
 * count. The flip side: calls the work hands to other threads are not counted.
 *
 * <pre>{@code
 * GitHubCalls.Measured<Report> measured = GitHubCalls.measure(() -> reconciler.sweep());
 * log.info("{} GitHub calls ({} not modified)", measured.calls().calls(), ...);
 * }</pre>
 */
public final class GitHubCalls {

  private static final ThreadLocal<Deque<Meter>> ACTIVE = ThreadLocal.withInitial(ArrayDeque::new);
  private static volatile int lastRemaining = -1;

  private GitHubCalls() {}

  /**
   * What a piece of work cost.
   *
   * @param calls REST calls answered (any status) or failed on the network
   * @param notModified how many of them came back {@code 304 Not Modified}: GitHub does not count
   *     those against the rate limit
   * @param rateLimitRemaining {@code x-ratelimit-remaining} of the last answer that carried it
   */
  public record Count(int calls, int notModified, OptionalInt rateLimitRemaining) {

    /** Calls that counted against the rate limit. */
    public int charged() {
      return calls - notModified;
    }
  }

  /** A result and the calls made to get it. */
  public record Measured<T>(T value, Count calls) {}

  /** Runs {@code work} on this thread and counts the GitHub calls it makes. */
  public static <T> Measured<T> measure(Supplier<T> work) {
    try (Meter meter = start()) {
      T value = work.get();
      return new Measured<>(value, meter.count());
    }
  }

  /**
   * Starts counting on this thread until {@link Meter#close()}; use it in try-with-resources when
   * the count matters even if the work throws. Meters nest: an outer one counts the inner's calls.
   */
  public static Meter start() {
    Meter meter = new Meter();
    ACTIVE.get().push(meter);
    return meter;
  }

  /** {@code x-ratelimit-remaining} last seen by any thread of this process, if any. */
  public static OptionalInt lastRateLimitRemaining() {
    int remaining = lastRemaining;
    return remaining < 0 ? OptionalInt.empty() : OptionalInt.of(remaining);
  }

  /**
   * Records one call.
   *
   * @param status the HTTP status, or 0 when the call failed before an answer
   * @param remainingHeader the {@code x-ratelimit-remaining} header, or null
   */
  static void record(int status, String remainingHeader) {
    int remaining = parse(remainingHeader);
    if (remaining >= 0) {
      lastRemaining = remaining;
    }
    for (Meter meter : ACTIVE.get()) {
      meter.calls++;
      if (status == 304) {
        meter.notModified++;
      }
      if (remaining >= 0) {
        meter.remaining = remaining;
      }
    }
  }

  private static int parse(String header) {
    if (header == null) {
      return -1;
    }
    try {
      return Math.max(-1, Integer.parseInt(header.strip()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Counts until closed; read it with {@link #count()}. Not shared between threads. */
  public static final class Meter implements AutoCloseable {
    private int calls;
    private int notModified;
    private int remaining = -1;

    private Meter() {}

    /** The calls counted so far. */
    public Count count() {
      return new Count(
          calls, notModified, remaining < 0 ? OptionalInt.empty() : OptionalInt.of(remaining));
    }

    @Override
    public void close() {
      Deque<Meter> active = ACTIVE.get();
      active.remove(this);
      if (active.isEmpty()) {
        ACTIVE.remove();
      }
    }
  }
}
