package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** One entry of the App webhook's delivery log ({@code GET /app/hook/deliveries}). */
@JsonIgnoreProperties(ignoreUnknown = true)
record WebhookDeliveryJson(
    long id,
    String guid,
    @JsonProperty("delivered_at") String deliveredAt,
    String status,
    @JsonProperty("status_code") Integer statusCode,
    String event) {

  /** A 2xx from the scheduler; GitHub's status reads {@code OK} then. */
  boolean succeeded() {
    if (statusCode != null && statusCode != 0) {
      return statusCode / 100 == 2;
    }
    return "OK".equalsIgnoreCase(status);
  }

  Instant deliveredAtOrEpoch() {
    try {
      return deliveredAt == null ? Instant.EPOCH : Instant.parse(deliveredAt);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
