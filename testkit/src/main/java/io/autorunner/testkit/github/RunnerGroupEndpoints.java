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
 * /orgs/{org}/actions/runner-groups} (list, create), {@code .../{id}} (get, update, delete) and
 * {@code .../{id}/repositories} (list, set, add, remove). Writes answer 403 while {@link
 * RunnerGroups#refuseWrites} is on. Guarded by the fake's lock.
 */
final class RunnerGroupEndpoints {

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
    String groups = "/orgs/([^/]+)/actions/runner-groups";
    String group = groups + "/([0-9]+)";
    server.route("GET", groups, this::list);
    server.route("POST", groups, this::create);
    server.route("GET", group, this::get);
    server.route("PATCH", group, this::update);
    server.route("DELETE", group, this::delete);
    server.route("GET", group + "/repositories", this::listRepositories);
    server.route("PUT", group + "/repositories", this::setRepositories);
    server.route("PUT", group + "/repositories/([0-9]+)", r -> changeRepository(r, true));
    server.route("DELETE", group + "/repositories/([0-9]+)", r -> changeRepository(r, false));
  }

  private Response list(Request request) {
    Paging paging = Paging.of(request);
    String visibleTo = request.query().get("visible_to_repository");
    synchronized (lock) {
      Map<Long, GroupState> groups = registry.groupsOf(request.param(0));
      if (groups == null) {
        return notFound();
      }
      List<GroupState> matching = new ArrayList<>();
      for (GroupState group : groups.values()) {
        if (visibleTo == null || visibleTo(group, visibleTo)) {
          matching.add(group);
        }
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("total_count", matching.size());
      body.put("runner_groups", paging.page(matching).stream().map(this::json).toList());
      return Response.json(200, body);
    }
  }

  private boolean visibleTo(GroupState group, String repository) {
    String fullName = repository.contains("/") ? repository : group.org + "/" + repository;
    return repositories.find(fullName).map(r -> group.snapshot().admits(r)).orElse(false);
  }

  private Response create(Request request) {
    synchronized (lock) {
      Map<Long, GroupState> groups = registry.groupsOf(request.param(0));
      if (groups == null) {
        return notFound();
      }
      if (registry.writesRefused()) {
        return forbidden();
      }
      JsonNode body = request.json();
      String name = body.path("name").asString("");
      if (name.isBlank()) {
        return FakeGitHub.error(422, "Invalid request.\n\n\"name\" wasn't supplied.");
      }
      if (groups.values().stream().anyMatch(g -> g.name.equalsIgnoreCase(name))) {
        return FakeGitHub.error(409, "A runner group named " + name + " already exists.");
      }
      GroupState group = new GroupState(registry.nextId(), orgName(request.param(0)), name, false);
      Response invalid = apply(group, body);
      if (invalid != null) {
        return invalid;
      }
      groups.put(group.id, group);
      registry.members().admissionChanged();
      return Response.json(201, json(group));
    }
  }

  private Response get(Request request) {
    synchronized (lock) {
      GroupState group = group(request);
      return group == null ? notFound() : Response.json(200, json(group));
    }
  }

  private Response update(Request request) {
    synchronized (lock) {
      GroupState group = group(request);
      if (group == null) {
        return notFound();
      }
      if (registry.writesRefused()) {
        return forbidden();
      }
      JsonNode body = request.json();
      // The documented PATCH requires the name, even when it does not change.
      String name = body.path("name").asString("");
      if (name.isBlank()) {
        return FakeGitHub.error(422, "Invalid request.\n\n\"name\" wasn't supplied.");
      }
      GroupState copy = group.renamed(name);
      Response invalid = apply(copy, body);
      if (invalid != null) {
        return invalid;
      }
      registry.groupsOf(group.org).put(group.id, copy);
      registry.members().admissionChanged();
      return Response.json(200, json(copy));
    }
  }

  private Response delete(Request request) {
    synchronized (lock) {
      GroupState group = group(request);
      if (group == null) {
        return notFound();
      }
      if (registry.writesRefused()) {
        return forbidden();
      }
      if (group.isDefault) {
        return FakeGitHub.error(422, "The default runner group cannot be deleted.");
      }
      registry.groupsOf(group.org).remove(group.id);
      registry.members().groupDeleted(group.org, group.id);
      registry.members().admissionChanged();
      return Response.empty(204);
    }
  }

  private Response listRepositories(Request request) {
    Paging paging = Paging.of(request);
    synchronized (lock) {
      GroupState group = group(request);
      if (group == null) {
        return notFound();
      }
      List<Map<String, Object>> listed = new ArrayList<>();
      for (long id : group.selected) {
        repositories.byId(id).ifPresent(r -> listed.add(repositories.json(r)));
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("total_count", listed.size());
      body.put("repositories", paging.page(listed));
      return Response.json(200, body);
    }
  }

  private Response setRepositories(Request request) {
    synchronized (lock) {
      GroupState group = group(request);
      if (group == null) {
        return notFound();
      }
      if (registry.writesRefused()) {
        return forbidden();
      }
      JsonNode ids = request.json().path("selected_repository_ids");
      if (!ids.isArray()) {
        return FakeGitHub.error(
            422, "Invalid request.\n\n\"selected_repository_ids\" wasn't supplied.");
      }
      Response invalid = selectedOnly(group);
      if (invalid == null) {
        invalid = checkRepositories(group, ids);
      }
      if (invalid != null) {
        return invalid;
      }
      group.selected.clear();
      ids.forEach(id -> group.selected.add(id.asLong()));
      registry.members().admissionChanged();
      return Response.empty(204);
    }
  }

  private Response changeRepository(Request request, boolean add) {
    synchronized (lock) {
      GroupState group = group(request);
      if (group == null) {
        return notFound();
      }
      if (registry.writesRefused()) {
        return forbidden();
      }
      long id = Long.parseLong(request.param(2));
      Response invalid = selectedOnly(group);
      if (invalid != null) {
        return invalid;
      }
      if (add) {
        Optional<Repository> repo = repositories.byId(id);
        if (repo.isEmpty() || !repo.get().owner().equalsIgnoreCase(group.org)) {
          return notFound();
        }
        group.selected.add(id);
      } else {
        group.selected.remove(id);
      }
      registry.members().admissionChanged();
      return Response.empty(204);
    }
  }

  /** Applies the documented body fields to {@code group}; an answer when one is invalid. */
  private Response apply(GroupState group, JsonNode body) {
    if (body.has("visibility")) {
      String visibility = body.path("visibility").asString("");
      if (!VISIBILITIES.contains(visibility)) {
        return FakeGitHub.error(
            422, "Invalid request.\n\nvisibility must be one of: selected, all, private.");
      }
      if (!"selected".equals(visibility)) {
        group.selected.clear();
      }
      group.visibility = visibility;
    }
    if (body.has("selected_repository_ids")) {
      Response invalid = checkRepositories(group, body.path("selected_repository_ids"));
      if (invalid != null) {
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
    return null;
  }

  /** Every id must name a repository of the group's organisation. */
  private Response checkRepositories(GroupState group, JsonNode ids) {
    for (JsonNode id : ids) {
      Optional<Repository> repo = id.isNumber() ? repositories.byId(id.asLong()) : Optional.empty();
      if (repo.isEmpty() || !repo.get().owner().equalsIgnoreCase(group.org)) {
        return FakeGitHub.error(
            422, "Invalid request.\n\nNo repository " + id + " in organization " + group.org + ".");
      }
    }
    return null;
  }

  /** Repository access is only for a group whose visibility is {@code selected}, as documented. */
  private static Response selectedOnly(GroupState group) {
    return "selected".equals(group.visibility)
        ? null
        : FakeGitHub.error(
            422, "The runner group must have visibility set to selected to manage repositories.");
  }

  private Map<String, Object> json(GroupState group) {
    String self = baseUrl.get() + "/orgs/" + group.org + "/actions/runner-groups/" + group.id;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", group.id);
    json.put("name", group.name);
    json.put("visibility", group.visibility);
    json.put("default", group.isDefault);
    if ("selected".equals(group.visibility)) {
      json.put("selected_repositories_url", self + "/repositories");
    }
    json.put("runners_url", self + "/runners");
    json.put("inherited", false);
    json.put("allows_public_repositories", group.allowsPublic);
    json.put("restricted_to_workflows", group.restrictedToWorkflows);
    json.put("selected_workflows", group.selectedWorkflows);
    json.put("workflow_restrictions_read_only", false);
    return json;
  }

  // ---------------------------------------------------------------- helpers

  private String orgName(String org) {
    return registry.groupsOf(org).get(RunnerGroups.DEFAULT).org;
  }

  private GroupState group(Request request) {
    Map<Long, GroupState> groups = registry.groupsOf(request.param(0));
    return groups == null ? null : groups.get(Long.parseLong(request.param(1)));
  }

  private static Response notFound() {
    return FakeGitHub.error(404, "Not Found");
  }

  private static Response forbidden() {
    return FakeGitHub.error(403, "Resource not accessible by integration");
  }
}
