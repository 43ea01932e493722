package io.autorunner.scheduler.webhook;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The JSON body of every webhook answer; GitHub shows it under the delivery, so it is written for
 * the person who looks there.
 *
 * @param decision what autorunner made of the delivery
 * @param reason why, in words
 * @param task the queue's name of the task enqueued, only when there is one
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record WebhookAnswer(String decision, String reason, String task) {

  static WebhookAnswer of(String decision, String reason) {
    return new WebhookAnswer(decision, reason, null);
  }
}
