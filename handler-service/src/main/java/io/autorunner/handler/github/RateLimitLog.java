package io.autorunner.handler.github;

import io.autorunner.common.logging.LogFields;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What GitHub says is left of the rate limit, logged at most once a minute per process (every
 * answer carries it; logging each would drown the rest), for the dashboard's chart of it.
 */
final class RateLimitLog {

  private static final Logger log = LoggerFactory.getLogger(RateLimitLog.class);
  private static final long EVERY = Duration.ofMinutes(1).toNanos();

  /** When the next line is due ({@link System#nanoTime}); the first answer is always logged. */
  private static final AtomicLong due = new AtomicLong();

  private static volatile boolean logged;

  private RateLimitLog() {}

  /** An answer's {@code x-ratelimit-remaining} and {@code x-ratelimit-resource}, either null. */
  static void seen(String remainingHeader, String resourceHeader) {
    if (remainingHeader == null) {
      return;
    }
    int remaining;
    try {
      remaining = Integer.parseInt(remainingHeader.strip());
    } catch (NumberFormatException unreadable) {
      return;
    }
    long now = System.nanoTime();
    long next = due.get();
    if ((logged && now - next < 0) || !due.compareAndSet(next, now + EVERY)) {
      return;
    }
    logged = true;
    String resource = resourceHeader == null ? "core" : resourceHeader.strip();
    log.atInfo()
        .addKeyValue(LogFields.EVENT, LogFields.Events.RATE_LIMIT)
        .addKeyValue(LogFields.RATE_LIMIT_REMAINING, remaining)
        .addKeyValue(LogFields.RATE_LIMIT_RESOURCE, resource)
        .log("GitHub rate limit: {} calls left ({})", remaining, resource);
  }
}
