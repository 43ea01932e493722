package io.autorunner.scheduler.webhook;

import io.autorunner.common.config.Background;
import io.autorunner.common.event.SampleDelivery;
import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.common.routing.Route;
import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.scheduler.queue.RunnerQueue;
import java.util.List;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Runs the webhook's path once on a built-in delivery while the context starts, before the port
 * opens: GitHub waits 10 s for the first answer of a cold instance. Signature, parsing, routing,
 * the queue's own preparation ({@link RunnerQueue#warmUp}: its credentials, the serialization of
 * the task and of the VM's delayed check) and the JSON answer are then loaded and have run once.
 * Nothing is enqueued.
 *
 * <p>It runs on its own thread from the moment this bean exists, beside the rest of the context,
 * and the context waits for it once every singleton is built: a queue that cannot be used stops the
 * start-up there.
 */
@Component
class WebhookWarmup implements SmartInitializingSingleton {

  private static final String SECRET = "warm-up-only";
  private static final byte[] DELIVERY =
      SampleDelivery.queued(1, "warm", "up", List.of("self-hosted", "gce", "gpu")).bytes();

  private final Background<byte[]> done;

  WebhookWarmup(WorkflowJobRouter router, RunnerQueue queue) {
    done = Background.start("webhook-warm-up", () -> run(router, queue));
  }

  /** The webhook's path on the built-in delivery; the JSON answer it would send. */
  private static byte[] run(WorkflowJobRouter router, RunnerQueue queue) {
    WebhookSignature signature = new WebhookSignature(List.of(SECRET));
    signature.verify(DELIVERY, WebhookSignature.sign(DELIVERY, SECRET));
    Route route = router.route(WorkflowJobEvent.parse(DELIVERY));
    // With operator routing rules that ignore these labels there is no task to prepare.
    String taskId = null;
    if (route.task() != null) {
      queue.warmUp(route.task());
      taskId = route.task().taskId();
    }
    if (route.task() instanceof RunnerTask.CreateRunner create) {
      queue.warmUp(new RunnerTask.CheckRunner(create.job(), create.instanceName()));
    }
    return new WebhookAnswer(route.decision().wireName(), route.reason(), taskId).json();
  }

  @Override
  public void afterSingletonsInstantiated() {
    done.join();
  }
}
