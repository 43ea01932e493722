package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.BadRequest;
import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code instances.list} of a zone and {@code instances.aggregatedList} of a project, with {@code
 * filter}, {@code maxResults} and {@code pageToken}; the aggregated list shows every zone the fake
 * has seen, an empty one with GCE's {@code NO_RESULTS_ON_PAGE} warning.
 */
final class InstanceListEndpoints {

  private record Page(List<Vm> items, String next) {}

  private final ComputeState state;

  InstanceListEndpoints(ComputeState state) {
    this.state = state;
  }

  void routes(JsonServer server, String project, String zone) {
    server.route("GET", zone + "/instances", this::listZone);
    server.route("GET", project + "/aggregated/instances", this::aggregatedList);
  }

  private Response listZone(Request request) {
    String project = request.param(0);
    String zone = request.param(1);
    List<Vm> matching = matching(request, vm -> vm.project.equals(project) && vm.zone.equals(zone));
    Page page = page(request, matching);
    ObjectNode body = JsonServer.JSON.createObjectNode();
    body.put("kind", "compute#instanceList");
    body.put("id", "projects/" + project + "/zones/" + zone + "/instances");
    ArrayNode items = body.putArray("items");
    page.items().forEach(vm -> items.add(vm.json()));
    if (page.next() != null) {
      body.put("nextPageToken", page.next());
    }
    body.put("selfLink", GceFormat.zoneLink(project, zone) + "/instances");
    return Response.json(200, body);
  }

  private Response aggregatedList(Request request) {
    String project = request.param(0);
    List<Vm> matching = matching(request, vm -> vm.project.equals(project));
    Page page = page(request, matching);
    Map<String, List<Vm>> byZone = new TreeMap<>();
    synchronized (state.lock) {
      state.knownZones.forEach(zone -> byZone.put(zone, new ArrayList<>()));
    }
    page.items().forEach(vm -> byZone.computeIfAbsent(vm.zone, z -> new ArrayList<>()).add(vm));
    ObjectNode body = JsonServer.JSON.createObjectNode();
    body.put("kind", "compute#instanceAggregatedList");
    body.put("id", "projects/" + project + "/aggregated/instances");
    ObjectNode items = body.putObject("items");
    byZone.forEach(
        (zone, vms) -> {
          ObjectNode scope = items.putObject("zones/" + zone);
          if (vms.isEmpty()) {
            // What GCE answers for a scope with nothing in it.
            ObjectNode warning = scope.putObject("warning");
            warning.put("code", "NO_RESULTS_ON_PAGE");
            warning.put(
                "message", "There are no results for scope 'zones/" + zone + "' on this page.");
            ObjectNode data = warning.putArray("data").addObject();
            data.put("key", "scope");
            data.put("value", "zones/" + zone);
          } else {
            ArrayNode list = scope.putArray("instances");
            vms.forEach(vm -> list.add(vm.json()));
          }
        });
    if (page.next() != null) {
      body.put("nextPageToken", page.next());
    }
    body.put("selfLink", GceFormat.LINK_ROOT + project + "/aggregated/instances");
    body.putArray("unreachables");
    return Response.json(200, body);
  }

  private List<Vm> matching(Request request, Predicate<Vm> scope) {
    InstanceFilter filter = filter(request);
    synchronized (state.lock) {
      return state.instances.values().stream()
          .filter(scope)
          .filter(vm -> filter.matches(vm.json()))
          .sorted(Comparator.comparing((Vm vm) -> vm.zone).thenComparing(vm -> vm.name))
          .toList();
    }
  }

  /** The request's {@code filter}; one GCE would refuse answers 400. */
  static InstanceFilter filter(Request request) {
    try {
      return InstanceFilter.parse(request.query().get("filter"));
    } catch (IllegalArgumentException e) {
      throw new BadRequest("Invalid value for field 'filter': " + e.getMessage());
    }
  }

  /** maxResults (default 500) and an opaque pageToken, which here is the offset. */
  private static Page page(Request request, List<Vm> all) {
    int max = 500;
    int offset = 0;
    try {
      max = Integer.parseInt(request.query().getOrDefault("maxResults", "500"));
      String token = request.query().get("pageToken");
      offset = token == null || token.isEmpty() ? 0 : Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw new BadRequest("Invalid value for maxResults or pageToken");
    }
    if (max <= 0 || max > 500) {
      max = 500;
    }
    int end = Math.min(all.size(), offset + max);
    List<Vm> items = offset >= all.size() ? List.of() : all.subList(offset, end);
    return new Page(items, end < all.size() ? Integer.toString(end) : null);
  }
}
