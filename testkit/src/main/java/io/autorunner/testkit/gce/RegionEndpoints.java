package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code regions.get} and {@code regionInstances.bulkInsert} for one VM ({@code count} 1, its name
 * the one per-instance name). Every region has the zones {@code -a}, {@code -b}, {@code -c} and
 * {@code -f}, as us-central1 does. A bulk insert takes the first zone its location policy allows
 * (in the policy's order) that has capacity, as the zonal insert would, makes the VM there and
 * answers a region operation that says the zone in its {@code instancesBulkInsertOperationMetadata}
 * when DONE; with no zone left it finishes with the last zone's capacity or quota error.
 */
final class RegionEndpoints {

  private static final List<String> ZONE_SUFFIXES = List.of("a", "b", "c", "f");

  private final ComputeState state;
  private final CapacityFaults capacity;
  private final VmLifecycle lifecycle;

  RegionEndpoints(ComputeState state, CapacityFaults capacity, VmLifecycle lifecycle) {
    this.state = state;
    this.capacity = capacity;
    this.lifecycle = lifecycle;
  }

  void routes(JsonServer server, String region) {
    server.route("GET", region, this::region);
    server.route("POST", region + "/instances/bulkInsert", this::bulkInsert);
  }

  static List<String> zonesOf(String region) {
    return ZONE_SUFFIXES.stream().map(suffix -> region + "-" + suffix).toList();
  }

  private Response region(Request request) {
    String project = request.param(0);
    String region = request.param(1);
    ObjectNode body = JsonServer.JSON.createObjectNode();
    body.put("kind", "compute#region");
    body.put("name", region);
    body.put("status", "UP");
    ArrayNode zones = body.putArray("zones");
    zonesOf(region).forEach(zone -> zones.add(GceFormat.zoneLink(project, zone)));
    body.put("selfLink", GceFormat.regionLink(project, region));
    return Response.json(200, body);
  }

  private Response bulkInsert(Request request) {
    String project = request.param(0);
    String region = request.param(1);
    JsonNode body = request.json();
    List<String> names = new ArrayList<>();
    body.path("perInstanceProperties").propertyNames().forEach(names::add);
    if (body.path("count").asLong(0) != 1 || names.size() != 1) {
      return GceFormat.error(400, "invalid", "the fake bulk-inserts one named VM at a time");
    }
    String name = names.get(0);
    Optional<Response> invalid = InstanceEndpoints.invalidName(name);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    if (!body.path("instanceProperties").isObject()) {
      return GceFormat.error(400, "invalid", "a bulk insert needs instanceProperties");
    }
    List<String> allowed = allowed(body.path("locationPolicy").path("locations"), region);
    if (allowed.isEmpty()) {
      return GceFormat.error(400, "invalid", "the location policy allows no zone of " + region);
    }
    lifecycle.awaitInsertLatency();
    synchronized (state.lock) {
      for (String zone : zonesOf(region)) {
        if (state.instance(project, zone, name) != null) {
          return InstanceEndpoints.alreadyExists(project, zone, name);
        }
      }
      Vm made = null;
      Optional<OperationError> failure = Optional.empty();
      Vm first = null;
      for (String zone : allowed) {
        Vm vm =
            new Vm(
                project,
                zone,
                name,
                state.nextId(),
                zonal(body.path("instanceProperties"), name, zone),
                state.nextCreation());
        if (first == null) {
          first = vm;
        }
        failure = capacity.insertFailure(zone, vm);
        if (failure.isEmpty()) {
          made = vm;
          break;
        }
      }
      Vm target = made != null ? made : first;
      state.inserted.add(target.snapshot());
      Op op = state.newRegionOp(project, region, "bulkInsert", target);
      if (made != null) {
        state.knownZones.add(made.zone);
        state.add(made);
        lifecycle.boot(made);
        op.bulkZone = made.zone;
      } else {
        op.error = failure.orElseThrow();
      }
      lifecycle.insertOperation(op);
      return Response.json(200, op.json());
    }
  }

  /** The zones the policy allows, in its order; with none named ALLOW, the region's not denied. */
  private static List<String> allowed(JsonNode locations, String region) {
    List<String> allow = new ArrayList<>();
    List<String> deny = new ArrayList<>();
    for (Map.Entry<String, JsonNode> location : locations.properties()) {
      String zone = location.getKey().substring(location.getKey().lastIndexOf('/') + 1);
      if ("DENY".equals(location.getValue().path("preference").asString(""))) {
        deny.add(zone);
      } else {
        allow.add(zone);
      }
    }
    if (allow.isEmpty()) {
      zonesOf(region).stream().filter(zone -> !deny.contains(zone)).forEach(allow::add);
    }
    return allow;
  }

  /** The instance as a zonal insert in {@code zone} would have sent it. */
  private static JsonNode zonal(JsonNode properties, String name, String zone) {
    ObjectNode vm = (ObjectNode) properties.deepCopy();
    vm.put("name", name);
    vm.put(
        "machineType",
        "zones/" + zone + "/machineTypes/" + properties.path("machineType").asString(""));
    for (JsonNode gpu : vm.path("guestAccelerators")) {
      ((ObjectNode) gpu)
          .put(
              "acceleratorType",
              "zones/" + zone + "/acceleratorTypes/" + gpu.path("acceleratorType").asString(""));
    }
    for (JsonNode disk : vm.path("disks")) {
      JsonNode params = disk.path("initializeParams");
      if (params instanceof ObjectNode init && params.has("diskType")) {
        init.put(
            "diskType", "zones/" + zone + "/diskTypes/" + params.path("diskType").asString(""));
      }
    }
    return vm;
  }
}
