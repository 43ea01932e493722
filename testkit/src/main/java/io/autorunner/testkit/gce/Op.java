package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.JsonServer;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/**
 * Mutable state of one zone operation, or of a region's (a bulk insert: {@link #regional}, its
 * region in {@link #zone}); guarded by the state's lock.
 */
final class Op {
  final String project;
  final String zone;
  final boolean regional;

  /** The zone a bulk insert made its VM in; null while none. */
  String bulkZone;

  final String type;
  final String target;
  final long targetId;
  final long id;
  final String name;
  final Instant inserted = Instant.now();
  String status = "RUNNING";
  int progress;
  Instant endTime;
  String statusMessage;
  OperationError error;

  Op(String project, String zone, String type, Vm vm, long id) {
    this(project, zone, false, type, vm, id);
  }

  Op(String project, String zone, boolean regional, String type, Vm vm, long id) {
    this.project = project;
    this.zone = zone;
    this.regional = regional;
    this.type = type;
    this.target = vm.name;
    this.targetId = vm.id;
    this.id = id;
    // Real names look like operation-1700000000000-5f1e2d3c4b5a6-7a8b9c0d-1e2f3a4b; no ':'
    // (the client joins name, project and zone with ':' to poll).
    this.name =
        "operation-"
            + inserted.toEpochMilli()
            + "-"
            + Long.toHexString(id & 0xffffffffffL)
            + "-"
            + type.replace('.', '-');
  }

  ObjectNode json() {
    String zoneLink =
        regional ? GceFormat.regionLink(project, zone) : GceFormat.zoneLink(project, zone);
    ObjectNode json = JsonServer.JSON.createObjectNode();
    json.put("kind", "compute#operation");
    json.put("id", Long.toUnsignedString(id));
    json.put("name", name);
    json.put(regional ? "region" : "zone", zoneLink);
    json.put("operationType", type);
    json.put("targetLink", regional ? zoneLink : zoneLink + "/instances/" + target);
    json.put("targetId", Long.toUnsignedString(targetId));
    json.put("status", status);
    json.put("user", "fake@autorunner.test");
    json.put("progress", progress);
    json.put("insertTime", GceFormat.timestamp(inserted));
    json.put("startTime", GceFormat.timestamp(inserted));
    if (endTime != null) {
      json.put("endTime", GceFormat.timestamp(endTime));
    }
    if (statusMessage != null) {
      json.put("statusMessage", statusMessage);
    }
    json.put("selfLink", zoneLink + "/operations/" + name);
    if ("DONE".equals(status) && regional && bulkZone != null) {
      ObjectNode location =
          json.putObject("instancesBulkInsertOperationMetadata")
              .putObject("perLocationStatus")
              .putObject("zones/" + bulkZone);
      location.put("createdVmCount", 1);
      location.put("targetVmCount", 1);
      location.put("status", "DONE");
    }
    if ("DONE".equals(status) && error != null) {
      ObjectNode errors = json.putObject("error");
      ObjectNode item = errors.putArray("errors").addObject();
      item.put("code", error.code());
      item.put("message", error.message());
      json.put("httpErrorStatusCode", error.httpStatus());
      json.put("httpErrorMessage", error.httpMessage());
    }
    return json;
  }
}
