package io.autorunner.testkit.github;

import java.time.Instant;

/**
 * One webhook delivery the fake GitHub made (a redelivery repeats the body and the delivery id).
 *
 * @param status the HTTP status the receiver answered; 0 when no webhook URL was set, -1 when the
 *     request failed (refused, timed out)
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
    String error) {

  public boolean answered2xx() {
    return status >= 200 && status < 300;
  }
}
