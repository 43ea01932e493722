package io.autorunner.testkit.github;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Mutable state of one runner; guarded by the fake's lock. */
final class RunnerState {
  static final String ORG = "org:";
  static final String REPO = "repo:";

  final long id;
  final String name;
  final String scope;
  final List<String> labels;
  final String os;
  long groupId;
  String status = "offline";
  boolean busy;
  boolean used;
  Long jobId;
  String machine;
  Runnable powerOff;

  RunnerState(long id, String name, String scope, List<String> labels, long groupId) {
    this.id = id;
    this.name = name;
    this.scope = scope;
    this.labels = labels;
    this.groupId = groupId;
    this.os = labels.stream().anyMatch("windows"::equalsIgnoreCase) ? "Windows" : "Linux";
  }

  /** The organisation of an organisation runner (lower case), or null for a repository runner. */
  String organization() {
    return scope.startsWith(ORG) ? scope.substring(ORG.length()) : null;
  }

  /** Labels are matched case-insensitively; the runner must carry every label of the job. */
  boolean carriesAll(List<String> wanted) {
    Set<String> mine =
        labels.stream().map(l -> l.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    return wanted.stream().allMatch(l -> mine.contains(l.toLowerCase(Locale.ROOT)));
  }

  Runner snapshot() {
    return new Runner(id, name, scope, labels, status, busy, jobId, machine);
  }

  Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("name", name);
    json.put("os", os);
    json.put("status", status);
    json.put("busy", busy);
    json.put("ephemeral", true);
    json.put("runner_group_id", groupId);
    List<Map<String, Object>> labelJson = new ArrayList<>();
    for (int i = 0; i < labels.size(); i++) {
      labelJson.add(Map.of("id", i + 1, "name", labels.get(i), "type", "custom"));
    }
    json.put("labels", labelJson);
    return json;
  }
}
