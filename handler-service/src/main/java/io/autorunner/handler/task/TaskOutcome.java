package io.autorunner.handler.task;

import java.util.Objects;
import org.springframework.http.HttpStatus;

/**
 * What a task came to, and so what Cloud Tasks must do: 2xx ends the task (done, or refused for a
 * reason retrying cannot fix), 429/503 make it retry with backoff.
 */
public record TaskOutcome(Kind kind, String reason, boolean vmCreated) {

  public TaskOutcome {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
    if (vmCreated && kind != Kind.DONE) {
      throw new IllegalArgumentException("only a done task can have created a VM");
    }
  }

  public static TaskOutcome done(String reason) {
    return new TaskOutcome(Kind.DONE, reason, false);
  }

  /** Done, and this very call inserted a new VM (not one an earlier attempt made). */
  public static TaskOutcome created(String reason) {
    return new TaskOutcome(Kind.DONE, reason, true);
  }

  public static TaskOutcome refused(String reason) {
    return new TaskOutcome(Kind.REFUSED, reason, false);
  }

  public static TaskOutcome retry(String reason) {
    return new TaskOutcome(Kind.RETRY, reason, false);
  }

  public static TaskOutcome atCapacity(String reason) {
    return new TaskOutcome(Kind.AT_CAPACITY, reason, false);
  }

  public HttpStatus status() {
    return kind.status;
  }

  /** The outcomes, each with the status Cloud Tasks reads. */
  public enum Kind {
    /** Done, or found already done. */
    DONE(HttpStatus.OK),
    /** Retrying cannot help (bad labels, a quota of 0, policy); the reason is logged. */
    REFUSED(HttpStatus.OK),
    /** A transient failure (GCE or GitHub 5xx/429, no capacity in any zone): retry. */
    RETRY(HttpStatus.SERVICE_UNAVAILABLE),
    /** The cap on concurrent VMs is reached: retry once some are gone. */
    AT_CAPACITY(HttpStatus.TOO_MANY_REQUESTS);

    private final HttpStatus status;

    Kind(HttpStatus status) {
      this.status = status;
    }

    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }
}
