package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fake's own endpoints for manual runs of the program, with no GCE equivalent: {@code POST
 * /_fake/instances/{name}/preempt} and {@code GET /_fake/state}.
 */
final class ControlEndpoints {

  private final FakeComputeEngine gce;

  ControlEndpoints(FakeComputeEngine gce) {
    this.gce = gce;
  }

  void routes(JsonServer server) {
    server.route(
        "POST",
        FakeComputeEngine.CONTROL + "/instances/([^/]+)/preempt",
        r ->
            gce.preempt(r.param(0))
                ? Response.empty(204)
                : GceFormat.notFound("-", "-", "instances", r.param(0)));
    server.route("GET", FakeComputeEngine.CONTROL + "/state", r -> Response.json(200, state()));
  }

  private Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    List<FakeInstance> now = gce.instances();
    state.put(
        "instances", now.stream().map(i -> i.zone() + "/" + i.name() + " " + i.status()).toList());
    state.put("created", gce.created().size());
    state.put("deleted", gce.deleteCount());
    state.put("preempted", gce.preemptionCount());
    state.put("injected_failures", gce.injectedFailureCount());
    return state;
  }
}
