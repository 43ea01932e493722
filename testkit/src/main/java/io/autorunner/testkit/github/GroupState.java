package io.autorunner.testkit.github;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Mutable state of one organisation runner group; guarded by the fake's lock. */
final class GroupState {
  final long id;
  final String org;
  final boolean isDefault;
  String name;
  String visibility = "all";
  boolean allowsPublic;
  boolean restrictedToWorkflows;
  List<String> selectedWorkflows = List.of();
  final Set<Long> selected = new LinkedHashSet<>();

  GroupState(long id, String org, String name, boolean isDefault) {
    this.id = id;
    this.org = org;
    this.name = name;
    this.isDefault = isDefault;
  }

  /** A copy under another name, to validate a change before it takes effect. */
  GroupState renamed(String newName) {
    GroupState copy = new GroupState(id, org, newName, isDefault);
    copy.visibility = visibility;
    copy.allowsPublic = allowsPublic;
    copy.restrictedToWorkflows = restrictedToWorkflows;
    copy.selectedWorkflows = selectedWorkflows;
    copy.selected.addAll(selected);
    return copy;
  }

  RunnerGroup snapshot() {
    return new RunnerGroup(id, org, name, visibility, isDefault, allowsPublic, selected);
  }

  /** The group as the REST API shows it. */
  Map<String, Object> json(URI baseUrl) {
    String self = baseUrl + "/orgs/" + org + "/actions/runner-groups/" + id;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("name", name);
    json.put("visibility", visibility);
    json.put("default", isDefault);
    if ("selected".equals(visibility)) {
      json.put("selected_repositories_url", self + "/repositories");
    }
    json.put("runners_url", self + "/runners");
    json.put("inherited", false);
    json.put("allows_public_repositories", allowsPublic);
    json.put("restricted_to_workflows", restrictedToWorkflows);
    json.put("selected_workflows", selectedWorkflows);
    json.put("workflow_restrictions_read_only", false);
    return json;
  }
}
