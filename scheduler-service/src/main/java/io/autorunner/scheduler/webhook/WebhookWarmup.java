package io.autorunner.scheduler.webhook;

import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the webhook's path once on a built-in delivery while the context starts, before the port
 * opens: GitHub waits 10 s for the first answer of a cold instance, and the classes of signature,
 * parsing, routing and the JSON answer are then loaded (and, in the image, in the AOT cache that
 * the build-time training run records). Nothing is enqueued.
 */
@Component
class WebhookWarmup implements SmartInitializingSingleton {

  private static final String SECRET = "warm-up-only";
  private static final byte[] DELIVERY =
      ("{\"action\":\"queued\",\"workflow_job\":{\"id\":1,\"run_id\":1,\"run_attempt\":1,"
              + "\"labels\":[\"self-hosted\",\"gce\",\"gpu\"],\"status\":\"queued\"},"
              + "\"repository\":{\"full_name\":\"warm/up\",\"name\":\"up\",\"private\":true,"
              + "\"owner\":{\"login\":\"warm\"}},\"organization\":{\"login\":\"warm\"}}")
          .getBytes(StandardCharsets.UTF_8);

  private final WorkflowJobRouter router;
  private final JsonMapper json;

  WebhookWarmup(WorkflowJobRouter router, JsonMapper json) {
    this.router = router;
    this.json = json;
  }

  @Override
  public void afterSingletonsInstantiated() {
    WebhookSignature signature = new WebhookSignature(List.of(SECRET));
    signature.verify(DELIVERY, WebhookSignature.sign(DELIVERY, SECRET));
    var route = router.route(WorkflowJobEvent.parse(DELIVERY));
    json.writeValueAsBytes(
        new WebhookAnswer(route.decision().wireName(), route.reason(), route.task().taskId()));
  }
}
