package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * {@code instances.insert}, {@code get} and {@code delete} of one zone. An insert answers its
 * operation at once; capacity and quota failures show on the operation when it is DONE, as on GCE.
 */
final class InstanceEndpoints {

  private final ComputeState state;
  private final CapacityFaults capacity;
  private final VmLifecycle lifecycle;

  InstanceEndpoints(ComputeState state, CapacityFaults capacity, VmLifecycle lifecycle) {
    this.state = state;
    this.capacity = capacity;
    this.lifecycle = lifecycle;
  }

  void routes(JsonServer server, String zone) {
    server.route("POST", zone + "/instances", this::insert);
    server.route("GET", zone + "/instances/([^/]+)", this::get);
    server.route("DELETE", zone + "/instances/([^/]+)", this::delete);
    server.route("POST", zone + "/instances/([^/]+)/setLabels", this::setLabels);
  }

  /**
   * {@code instances.setLabels}: replaces the labels when the request names the current label
   * fingerprint, else 412 {@code conditionNotMet} as GCE answers; the operation is DONE at once.
   */
  private Response setLabels(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    String name = request.param(2);
    JsonNode body = request.json();
    synchronized (state.lock) {
      Vm vm = state.instance(project, zone, name);
      if (vm == null) {
        return GceFormat.notFound(project, zone, "instances", name);
      }
      if (!vm.labelFingerprint().equals(body.path("labelFingerprint").asString(""))) {
        state.staleRelabels.incrementAndGet();
        return GceFormat.error(
            412,
            "conditionNotMet",
            "Labels fingerprint either invalid or resource labels have changed");
      }
      vm.setLabels(body.path("labels"));
      Op op = state.newOp(project, zone, "setLabels", vm);
      op.status = "DONE";
      op.progress = 100;
      op.endTime = java.time.Instant.now();
      return Response.json(200, op.json());
    }
  }

  private Response insert(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    JsonNode body = request.json();
    String name = body.path("name").asString("");
    Optional<Response> invalid = invalidName(name);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    lifecycle.awaitInsertLatency();
    synchronized (state.lock) {
      state.knownZones.add(zone);
      if (state.instance(project, zone, name) != null) {
        return alreadyExists(project, zone, name);
      }
      Vm vm = new Vm(project, zone, name, state.nextId(), body.deepCopy(), state.nextCreation());
      state.inserted.add(vm.snapshot());
      Op op = state.newOp(project, zone, "insert", vm);
      Optional<OperationError> failure = capacity.insertFailure(zone, vm);
      if (failure.isPresent()) {
        op.error = failure.get();
      } else {
        state.add(vm);
        lifecycle.boot(vm);
      }
      lifecycle.insertOperation(op);
      return Response.json(200, op.json());
    }
  }

  /** GCE's 400 for a name that is no RFC 1035 label, which every insert form checks. */
  static Optional<Response> invalidName(String name) {
    if (name.matches("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?")) {
      return Optional.empty();
    }
    return Optional.of(
        GceFormat.error(
            400,
            "invalid",
            "Invalid value for field 'resource.name': '"
                + name
                + "'. Must be a match of regex"
                + " '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'"));
  }

  /** GCE's 409 for a name the zone has already. */
  static Response alreadyExists(String project, String zone, String name) {
    return GceFormat.error(
        409,
        "alreadyExists",
        "The resource '" + GceFormat.path(project, zone, "instances", name) + "' already exists");
  }

  private Response get(Request request) {
    synchronized (state.lock) {
      Vm vm = state.instance(request.param(0), request.param(1), request.param(2));
      if (vm == null) {
        return GceFormat.notFound(
            request.param(0), request.param(1), "instances", request.param(2));
      }
      return Response.json(200, vm.json());
    }
  }

  /** STOPPING until the delete is DONE; a second delete meanwhile is {@code resourceNotReady}. */
  private Response delete(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    String name = request.param(2);
    synchronized (state.lock) {
      Vm vm = state.instance(project, zone, name);
      if (vm == null) {
        return GceFormat.notFound(project, zone, "instances", name);
      }
      if (vm.deleting) {
        return GceFormat.error(
            400,
            "resourceNotReady",
            "The resource '" + GceFormat.path(project, zone, "instances", name) + "' is not ready");
      }
      vm.status = "STOPPING";
      vm.deleting = true;
      state.deletes.incrementAndGet();
      Op op = state.newOp(project, zone, "delete", vm);
      lifecycle.deleteOperation(op);
      return Response.json(200, op.json());
    }
  }
}
