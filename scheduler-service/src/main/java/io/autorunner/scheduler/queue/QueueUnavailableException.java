package io.autorunner.scheduler.queue;

/** The queue could not take a task; the delivery must fail so that it can be redelivered. */
public class QueueUnavailableException extends RuntimeException {
  public QueueUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
