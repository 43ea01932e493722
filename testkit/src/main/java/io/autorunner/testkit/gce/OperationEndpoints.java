package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code zoneOperations.get}, {@code list} (with {@code filter}) and {@code wait}. */
final class OperationEndpoints {

  /** GCE's {@code wait} answers after at most two minutes, DONE or not. */
  private static final Duration WAIT_LIMIT = Duration.ofMinutes(2);

  private final ComputeState state;

  OperationEndpoints(ComputeState state) {
    this.state = state;
  }

  void routes(JsonServer server, String zone) {
    server.route("GET", zone + "/operations", this::list);
    server.route("GET", zone + "/operations/([^/]+)", this::get);
    server.route("POST", zone + "/operations/([^/]+)/wait", this::waitFor);
  }

  private Response get(Request request) {
    synchronized (state.lock) {
      Op op = state.operation(request.param(0), request.param(1), request.param(2));
      if (op == null) {
        return notFound(request);
      }
      return Response.json(200, op.json());
    }
  }

  /** Like GCE: returns when the operation is DONE or after two minutes, whichever comes first. */
  private Response waitFor(Request request) {
    long deadline = System.nanoTime() + WAIT_LIMIT.toNanos();
    synchronized (state.lock) {
      Op op = state.operation(request.param(0), request.param(1), request.param(2));
      if (op == null) {
        return notFound(request);
      }
      try {
        while (!"DONE".equals(op.status)) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          state.lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Response.json(200, op.json());
    }
  }

  private Response list(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    InstanceFilter filter = InstanceListEndpoints.filter(request);
    ObjectNode body = JsonServer.JSON.createObjectNode();
    body.put("kind", "compute#operationList");
    body.put("id", "projects/" + project + "/zones/" + zone + "/operations");
    ArrayNode items = body.putArray("items");
    synchronized (state.lock) {
      state.operations().stream()
          .filter(op -> op.project.equals(project) && op.zone.equals(zone))
          .map(Op::json)
          .filter(filter::matches)
          .forEach(items::add);
    }
    body.put("selfLink", GceFormat.zoneLink(project, zone) + "/operations");
    return Response.json(200, body);
  }

  private static Response notFound(Request request) {
    return GceFormat.notFound(request.param(0), request.param(1), "operations", request.param(2));
  }
}
