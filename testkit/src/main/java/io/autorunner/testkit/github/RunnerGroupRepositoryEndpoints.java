package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The repositories of a runner group whose visibility is {@code selected}: {@code
 * /orgs/{org}/actions/runner-groups/{id}/repositories} (list, set) and {@code .../{repository_id}}
 * (add, remove). Writes answer 403 while {@link RunnerGroups#refuseWrites} is on. Guarded by the
 * fake's lock.
 */
final class RunnerGroupRepositoryEndpoints {

  private final Object lock;
  private final RunnerGroups registry;
  private final Repositories repositories;

  RunnerGroupRepositoryEndpoints(Object lock, RunnerGroups registry, Repositories repositories) {
    this.lock = lock;
    this.registry = registry;
    this.repositories = repositories;
  }

  void routes(JsonServer server) {
    String group = RunnerGroupEndpoints.GROUP;
    server.route("GET", group + "/repositories", this::listRepositories);
    server.route("PUT", group + "/repositories", this::setRepositories);
    server.route("PUT", group + "/repositories/([0-9]+)", r -> changeRepository(r, true));
    server.route("DELETE", group + "/repositories/([0-9]+)", r -> changeRepository(r, false));
  }

  private Response listRepositories(Request request) {
    Paging paging = Paging.of(request);
    synchronized (lock) {
      Optional<GroupState> found = registry.group(request.param(0), request.param(1));
      if (found.isEmpty()) {
        return GitHubErrors.notFound();
      }
      GroupState group = found.get();
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
      return registry.changing(request, group -> setRepositoriesOf(request, group));
    }
  }

  /** The write itself, on a group that exists and may be written. Callers hold the lock. */
  private Response setRepositoriesOf(Request request, GroupState group) {
    JsonNode ids = request.json().path("selected_repository_ids");
    if (!ids.isArray()) {
      return GitHubErrors.error(
          422, "Invalid request.\n\n\"selected_repository_ids\" wasn't supplied.");
    }
    Optional<Response> invalid = selectedOnly(group).or(() -> invalid(repositories, group, ids));
    if (invalid.isPresent()) {
      return invalid.get();
    }
    group.selected.clear();
    ids.forEach(id -> group.selected.add(id.asLong()));
    registry.members().admissionChanged();
    return Response.empty(204);
  }

  private Response changeRepository(Request request, boolean add) {
    synchronized (lock) {
      return registry.changing(request, group -> changeRepositoryOf(request, add, group));
    }
  }

  /** The write itself, on a group that exists and may be written. Callers hold the lock. */
  private Response changeRepositoryOf(Request request, boolean add, GroupState group) {
    long id = Long.parseLong(request.param(2));
    Optional<Response> invalid = selectedOnly(group);
    if (invalid.isPresent()) {
      return invalid.get();
    }
    if (add) {
      Optional<Repository> repo = repositories.byId(id);
      if (repo.isEmpty() || !repo.get().owner().equalsIgnoreCase(group.org)) {
        return GitHubErrors.notFound();
      }
      group.selected.add(id);
    } else {
      group.selected.remove(id);
    }
    registry.members().admissionChanged();
    return Response.empty(204);
  }

  /** Every id must name a repository of the group's organisation. */
  static Optional<Response> invalid(Repositories repositories, GroupState group, JsonNode ids) {
    for (JsonNode id : ids) {
      Optional<Repository> repo = id.isNumber() ? repositories.byId(id.asLong()) : Optional.empty();
      if (repo.isEmpty() || !repo.get().owner().equalsIgnoreCase(group.org)) {
        return Optional.of(
            GitHubErrors.error(
                422,
                "Invalid request.\n\nNo repository " + id + " in organization " + group.org + "."));
      }
    }
    return Optional.empty();
  }

  /** Repository access is only for a group whose visibility is {@code selected}, as documented. */
  private static Optional<Response> selectedOnly(GroupState group) {
    return "selected".equals(group.visibility)
        ? Optional.empty()
        : Optional.of(
            GitHubErrors.error(
                422,
                "The runner group must have visibility set to selected to manage repositories."));
  }
}
