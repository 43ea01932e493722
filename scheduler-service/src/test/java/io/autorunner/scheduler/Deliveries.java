package io.autorunner.scheduler;

import io.autorunner.common.event.SampleDelivery;
import io.autorunner.common.signature.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The scheduler tests' deliveries, made by the one {@link SampleDelivery} builder. */
public final class Deliveries {

  public static final String SECRET = "test-webhook-secret";

  private Deliveries() {}

  public static String queuedGpuJob() {
    return workflowJob("queued", 4242L, List.of("self-hosted", "gce", "gpu"), null, true);
  }

  public static String workflowJob(
      String action, long jobId, List<String> labels, String runnerName, boolean privateRepo) {
    return workflowJob(action, jobId, labels, runnerName, privateRepo, "acme", "acme/models");
  }

  public static String workflowJob(
      String action,
      long jobId,
      List<String> labels,
      String runnerName,
      boolean privateRepo,
      String owner,
      String repository) {
    SampleDelivery delivery =
        SampleDelivery.queued(
                jobId, owner, repository.substring(repository.indexOf('/') + 1), labels)
            .withRun(9001, 1)
            .withInstallation(555)
            .withPrivateRepository(privateRepo)
            .withAction(action, action);
    if (runnerName != null) {
      delivery = delivery.withRunner(runnerName, 77);
    }
    if (action.equals("completed")) {
      delivery = delivery.completed(runnerName == null ? "cancelled" : "success");
    }
    return delivery.json();
  }

  public static String sign(String body) {
    return WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), SECRET);
  }
}
