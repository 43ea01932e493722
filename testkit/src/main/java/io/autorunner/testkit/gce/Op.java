package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.JsonServer;
import java.time.Instant;
import tools.jackson.databind.node.ObjectNode;

/** Mutable state of one zone operation; guarded by the state's lock. */
final class Op {
  final String project;
  final String zone;
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
    this.project = project;
    this.zone = zone;
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
    String zoneLink = GceFormat.zoneLink(project, zone);
    ObjectNode json = JsonServer.JSON.createObjectNode();
    json.put("kind", "compute#operation");
    json.put("id", Long.toUnsignedString(id));
    json.put("name", name);
    json.put("zone", zoneLink);
    json.put("operationType", type);
    json.put("targetLink", zoneLink + "/instances/" + target);
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
