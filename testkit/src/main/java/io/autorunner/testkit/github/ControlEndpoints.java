package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The fake's own endpoints for manual runs of the program, with no GitHub equivalent and no auth:
 * {@code POST /_fake/jobs} queues a job, {@code POST /_fake/jobs/{id}/cancel} cancels one, {@code
 * GET /_fake/state} counts what happened.
 */
final class ControlEndpoints {

  private final FakeGitHub github;

  ControlEndpoints(FakeGitHub github) {
    this.github = github;
  }

  void routes(JsonServer server) {
    server.route("POST", FakeGitHub.CONTROL + "/jobs", this::queue);
    server.route("POST", FakeGitHub.CONTROL + "/jobs/([0-9]+)/cancel", this::cancel);
    server.route("GET", FakeGitHub.CONTROL + "/state", r -> Response.json(200, state()));
  }

  /** {@code {"repository": "o/r", "labels": [...]}}: queues a job, answers its id. */
  private Response queue(Request request) {
    JsonNode body = request.json();
    List<String> labels = new ArrayList<>();
    body.path("labels").forEach(l -> labels.add(l.asString()));
    String repository = body.path("repository").asString("");
    if (labels.isEmpty() || !repository.matches("[^/\\s]+/[^/\\s]+")) {
      return GitHubErrors.error(422, "repository (owner/name) and labels are required");
    }
    return Response.json(201, Map.of("id", github.queueJob(repository, labels)));
  }

  private Response cancel(Request request) {
    return github.cancel(Long.parseLong(request.param(0)))
        ? Response.empty(204)
        : GitHubErrors.error(409, "no such job, or it is completed");
  }

  private Map<String, Object> state() {
    List<Delivery> deliveries = github.deliveries();
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("jobs", github.jobCounts());
    state.put("runners", github.runners().size());
    state.put("jit_configs", github.issuedJitConfigs().size());
    state.put("reruns", github.rerunCount());
    state.put("deliveries", deliveries.size());
    state.put(
        "deliveries_not_received", deliveries.stream().filter(d -> !d.reachedReceiver()).count());
    state.put("api_calls", github.apiCalls().total());
    state.put("api_calls_not_modified", github.apiCalls().notModified());
    state.put("deliveries_outside_2xx", deliveries.stream().filter(d -> !d.answered2xx()).count());
    return state;
  }
}
