package io.autorunner.scheduler;

import io.autorunner.common.signature.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Builds {@code workflow_job} bodies shaped like GitHub's, for the scheduler's tests. */
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
    String labelJson =
        labels.stream().map(l -> "\"" + l + "\"").collect(Collectors.joining(",", "[", "]"));
    String runner = runnerName == null ? "null" : "\"" + runnerName + "\"";
    String runnerId = runnerName == null ? "null" : "77";
    String status = action.equals("completed") ? "completed" : action;
    String conclusion =
        action.equals("completed")
            ? (runnerName == null ? "\"cancelled\"" : "\"success\"")
            : "null";
    return """
        {
          "action": "%s",
          "workflow_job": {
            "id": %d, "run_id": 9001, "run_attempt": 1,
            "head_sha": "abc", "url": "https://api.github.com/x", "html_url": "https://github.com/x",
            "status": "%s", "conclusion": %s,
            "started_at": "2026-11-27T10:00:00Z", "completed_at": null,
            "name": "test (gpu)", "workflow_name": "CI",
            "steps": [], "check_run_url": "https://api.github.com/y",
            "labels": %s,
            "runner_id": %s, "runner_name": %s, "runner_group_id": null, "runner_group_name": null
          },
          "repository": {
            "id": 1, "name": "%s", "full_name": "%s", "private": %s,
            "owner": {"login": "%s", "id": 2, "type": "Organization"}
          },
          "organization": {"login": "%s", "id": 2},
          "installation": {"id": 555, "node_id": "x"},
          "sender": {"login": "octocat"}
        }
        """
        .formatted(
            action,
            jobId,
            status,
            conclusion,
            labelJson,
            runnerId,
            runner,
            repository.substring(repository.indexOf('/') + 1),
            repository,
            privateRepo,
            owner,
            owner);
  }

  public static String sign(String body) {
    return WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), SECRET);
  }
}
