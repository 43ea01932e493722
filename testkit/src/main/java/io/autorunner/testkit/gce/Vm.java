package io.autorunner.testkit.gce;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Mutable state of one instance; guarded by the state's lock. */
final class Vm {
  final String project;
  final String zone;
  final String name;
  final long id;

  /** Replaced, never changed in place: snapshots share it. */
  JsonNode resource;

  final Instant created;
  String status = "PROVISIONING";
  boolean preempted;
  boolean deleting;
  Instant gone;

  /** Changes with every label change; setLabels must name the current one. */
  int labelGeneration;

  Vm(String project, String zone, String name, long id, JsonNode resource, Instant created) {
    this.project = project;
    this.zone = zone;
    this.name = name;
    this.id = id;
    this.resource = resource;
    this.created = created;
  }

  String key() {
    return ComputeState.key(project, zone, name);
  }

  /** GPUs attached, or a machine family that comes with its own (g2, a2, a3, a4). */
  static boolean hasGpu(JsonNode resource) {
    for (JsonNode accelerator : resource.path("guestAccelerators")) {
      if (accelerator.path("acceleratorCount").asInt(0) > 0) {
        return true;
      }
    }
    String type = resource.path("machineType").asString("");
    String family = type.substring(type.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    return family.startsWith("g2-")
        || family.startsWith("a2-")
        || family.startsWith("a3-")
        || family.startsWith("a4-");
  }

  /** GCE's fingerprints are opaque base64 text; this one names the label generation. */
  String labelFingerprint() {
    return java.util.Base64.getEncoder()
        .encodeToString(("labels-" + id + "-" + labelGeneration).getBytes(StandardCharsets.UTF_8));
  }

  /** Replaces the labels (setLabels): a new generation, so the old fingerprint goes stale. */
  void setLabels(JsonNode labels) {
    ObjectNode changed = (ObjectNode) resource.deepCopy();
    changed.set("labels", labels.deepCopy());
    resource = changed;
    labelGeneration++;
  }

  VmLifetime lifetime() {
    return new VmLifetime(project, zone, name, labels(), created, gone, preempted);
  }

  Map<String, String> labels() {
    Map<String, String> labels = new HashMap<>();
    resource
        .path("labels")
        .properties()
        .forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
    return Map.copyOf(labels);
  }

  FakeInstance snapshot() {
    Map<String, String> metadata = new HashMap<>();
    for (JsonNode item : resource.path("metadata").path("items")) {
      metadata.put(item.path("key").asString(""), item.path("value").asString(""));
    }
    return new FakeInstance(
        project,
        zone,
        name,
        id,
        status,
        labels(),
        Map.copyOf(metadata),
        resource,
        created,
        preempted);
  }

  /** The Instance as GCE answers it: the inserted resource plus what the server fills in. */
  ObjectNode json() {
    ObjectNode json = (ObjectNode) resource.deepCopy();
    String zoneLink = GceFormat.zoneLink(project, zone);
    json.put("kind", "compute#instance");
    json.put("id", Long.toUnsignedString(id));
    json.put("creationTimestamp", GceFormat.timestamp(created));
    json.put("name", name);
    json.put("zone", zoneLink);
    json.put("status", status);
    json.put("labelFingerprint", labelFingerprint());
    json.put("selfLink", zoneLink + "/instances/" + name);
    String machineType = resource.path("machineType").asString("");
    if (!machineType.startsWith("https://")) {
      json.put(
          "machineType",
          zoneLink + "/machineTypes/" + machineType.substring(machineType.lastIndexOf('/') + 1));
    }
    if ("TERMINATED".equals(status)) {
      json.put("lastStopTimestamp", GceFormat.timestamp(Instant.now()));
    }
    return json;
  }
}
