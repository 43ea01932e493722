package io.autorunner.testkit.github;

import java.util.LinkedHashSet;
import java.util.List;
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
}
