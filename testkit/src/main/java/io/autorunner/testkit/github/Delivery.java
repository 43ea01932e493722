package io.autorunner.testkit.github;

import java.time.Instant;

/**
 * One webhook delivery the fake GitHub made (a redelivery repeats the body and the delivery id).
 *
 * @param deliveryId the {@code X-GitHub-Delivery} guid; a redelivery keeps it
 * @param status the HTTP status the receiver answered; 0 when no webhook URL was set, -1 when the
 *     request failed (refused, timed out, or lost by a fault knob)
 * @param hookDeliveryId this attempt's id in the App's delivery log ({@code GET
 *     /app/hook/deliveries/{id}}), increasing
 * @param reachedReceiver false when the request never reached the receiver (no URL, refused, or
 *     lost on purpose); true when it answered, whatever the status
 */
public record Delivery(
    String deliveryId,
    String action,
    long jobId,
    String body,
    String signature,
    int status,
    boolean redelivery,
    Instant sentAt,
    String error,
    long hookDeliveryId,
    boolean reachedReceiver) {

  /** A delivery outside the App's delivery log (as before the log existed). */
  public Delivery(
      String deliveryId,
      String action,
      long jobId,
      String body,
      String signature,
      int status,
      boolean redelivery,
      Instant sentAt,
      String error) {
    this(
        deliveryId,
        action,
        jobId,
        body,
        signature,
        status,
        redelivery,
        sentAt,
        error,
        0,
        status > 0);
  }

  public boolean answered2xx() {
    return status >= 200 && status < 300;
  }

  /** The {@code X-GitHub-Delivery} value, the same for a delivery and its redeliveries. */
  public String guid() {
    return deliveryId;
  }
}
