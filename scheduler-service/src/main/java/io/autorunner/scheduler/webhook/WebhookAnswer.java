package io.autorunner.scheduler.webhook;

import io.autorunner.common.json.JsonText;
import java.nio.charset.StandardCharsets;

/**
 * The JSON body of every webhook answer; GitHub shows it under the delivery, so it is written for
 * the person who looks there.
 *
 * @param decision what autorunner made of the delivery
 * @param reason why, in words
 * @param task the queue's name of the task enqueued, only when there is one
 */
record WebhookAnswer(String decision, String reason, String task) {

  static WebhookAnswer of(String decision, String reason) {
    return new WebhookAnswer(decision, reason, null);
  }

  /**
   * {@code {"decision":…,"reason":…,"task":…}} in UTF-8, without {@code task} when there is none.
   */
  byte[] json() {
    StringBuilder out = new StringBuilder(64 + reason.length());
    JsonText.quote(out.append("{\"decision\":"), decision);
    JsonText.quote(out.append(",\"reason\":"), reason);
    if (task != null) {
      JsonText.quote(out.append(",\"task\":"), task);
    }
    return out.append('}').toString().getBytes(StandardCharsets.UTF_8);
  }
}
