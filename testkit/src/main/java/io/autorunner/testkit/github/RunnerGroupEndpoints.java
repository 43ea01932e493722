package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The runner-group REST endpoints as GitHub documents them: {@code
 * /orgs/{org}/actions/runner-groups} (list, create) and {@code .../{id}} (get, update, delete); a
 * group's repositories are {@link RunnerGroupRepositoryEndpoints}. Writes answer 403 while {@link
 * RunnerGroups#refuseWrites} is on. Guarded by the fake's lock.
 */
final class RunnerGroupEndpoints {

  static final String GROUPS = "/orgs/([^/]+)/actions/runner-groups";
  static final String GROUP = GROUPS + "/([0-9]+)";

  private static final Set<String> VISIBILITIES = Set.of("all", "selected", "private");

  private final Object lock;
  private final RunnerGroups registry;
  private final Repositories repositories;
  private final Supplier<URI> baseUrl;

  RunnerGroupEndpoints(
      Object lock, RunnerGroups registry, Repositories repositories, Supplier<URI> baseUrl) {
    this.lock = lock;
    this.registry = registry;
    this.repositories = repositories;
    this.baseUrl = baseUrl;
  }

  void routes(JsonServer server) {
    server.route("GET", GROUPS, this::list);
    server.route("POST", GROUPS, this::create);
    server.route("GET", GROUP, this::get);
    server.route("PATCH", GROUP, this::update);
    server.route("DELETE", GROUP, this::delete);
  }

  private Response list(Request request) {
    Paging paging = Paging.of(request);
    String visibleTo = request.query().get("visible_to_repository");
    synchronized (lock) {
      Optional<Map<Long, GroupState>> owned = registry.groupsOf(request.param(0));
      if (owned.isEmpty()) {
        return GitHubErrors.notFound();
      }
      Map<Long, GroupState> groups = owned.get();
      List<GroupState> matching = new ArrayList<>();
      for (GroupState group : groups.values()) {
        if (visibleTo == null || visibleTo(group, visibleTo)) {
          matching.add(group);
        }
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("total_count", matching.size());
      body.put(
          "runner_groups", paging.page(matching).stream().map(g -> g.json(baseUrl.get())).toList());
      return Response.json(200, body);
    }
  }

  private boolean visibleTo(GroupState group, String repository) {
    String fullName = repository.contains("/") ? repository : group.org + "/" + repository;
    return repositories.find(fullName).map(r -> group.snapshot().admits(r)).orElse(false);
  }

  private Response create(Request request) {
    synchronized (lock) {
      Optional<Map<Long, GroupState>> owned = registry.groupsOf(request.param(0));
      if (owned.isEmpty()) {
        return GitHubErrors.notFound();
      }
      Map<Long, GroupState> groups = owned.get();
      if (registry.writesRefused()) {
        return GitHubErrors.notAccessible();
      }
      JsonNode body = request.json();
      String name = body.path("name").asString("");
      if (name.isBlank()) {
        return GitHubErrors.error(422, "Invalid request.\n\n\"name\" wasn't supplied.");
      }
      if (groups.values().stream().anyMatch(g -> g.name.equalsIgnoreCase(name))) {
        return GitHubErrors.error(409, "A runner group named " + name + " already exists.");
      }
      GroupState group = new GroupState(registry.nextId(), orgName(request.param(0)), name, false);
      Optional<Response> invalid = apply(group, body);
      if (invalid.isPresent()) {
        return invalid.get();
      }
      groups.put(group.id, group);
      registry.members().admissionChanged();
      return Response.json(201, group.json(baseUrl.get()));
    }
  }

  private Response get(Request request) {
    synchronized (lock) {
      return registry
          .group(request.param(0), request.param(1))
          .map(group -> Response.json(200, group.json(baseUrl.get())))
          .orElseGet(GitHubErrors::notFound);
    }
  }

  private Response update(Request request) {
    synchronized (lock) {
      return registry.changing(request, group -> updateGroup(request, group));
    }
  }

  /** The write itself, on a group that exists and may be written. Callers hold the lock. */
  private Response updateGroup(Request request, GroupState group) {
    JsonNode body = request.json();
    // The documented PATCH requires the name, even when it does not change.
    String name = body.path("name").asString("");
    if (name.isBlank()) {
      return GitHubErrors.error(422, "Invalid request.\n\n\"name\" wasn't supplied.");
    }
    GroupState copy = group.renamed(name);
    Optional<Response> invalid = apply(copy, body);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    registry.groupsOf(group.org).orElseThrow().put(group.id, copy);
    registry.members().admissionChanged();
    return Response.json(200, copy.json(baseUrl.get()));
  }

  private Response delete(Request request) {
    synchronized (lock) {
      return registry.changing(request, this::deleteGroup);
    }
  }

  /** The write itself, on a group that exists and may be written. Callers hold the lock. */
  private Response deleteGroup(GroupState group) {
    if (group.isDefault) {
      return GitHubErrors.error(422, "The default runner group cannot be deleted.");
    }
    registry.groupsOf(group.org).orElseThrow().remove(group.id);
    registry.members().groupDeleted(group.org, group.id);
    registry.members().admissionChanged();
    return Response.empty(204);
  }

  /** Applies the documented body fields to {@code group}; an answer when one is invalid. */
  private Optional<Response> apply(GroupState group, JsonNode body) {
    if (body.has("visibility")) {
      String visibility = body.path("visibility").asString("");
      if (!VISIBILITIES.contains(visibility)) {
        return Optional.of(
            GitHubErrors.error(
                422, "Invalid request.\n\nvisibility must be one of: selected, all, private."));
      }
      if (!"selected".equals(visibility)) {
        group.selected.clear();
      }
      group.visibility = visibility;
    }
    if (body.has("selected_repository_ids")) {
      Optional<Response> invalid =
          RunnerGroupRepositoryEndpoints.invalid(
              repositories, group, body.path("selected_repository_ids"));
      if (invalid.isPresent()) {
        return invalid;
      }
      group.selected.clear();
      body.path("selected_repository_ids").forEach(id -> group.selected.add(id.asLong()));
    }
    if (body.has("allows_public_repositories")) {
      group.allowsPublic = body.path("allows_public_repositories").asBoolean(false);
    }
    if (body.has("restricted_to_workflows")) {
      group.restrictedToWorkflows = body.path("restricted_to_workflows").asBoolean(false);
    }
    if (body.has("selected_workflows")) {
      List<String> workflows = new ArrayList<>();
      body.path("selected_workflows").forEach(w -> workflows.add(w.asString()));
      group.selectedWorkflows = List.copyOf(workflows);
    }
    return Optional.empty();
  }

  // ---------------------------------------------------------------- helpers

  private String orgName(String org) {
    return registry.groupsOf(org).orElseThrow().get(RunnerGroups.DEFAULT).org;
  }
}
