package io.autorunner.common.event;

/** A signed body that is not JSON or not shaped like a {@code workflow_job} event. */
public class MalformedEventException extends RuntimeException {
  public MalformedEventException(String message) {
    super(message);
  }

  public MalformedEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
