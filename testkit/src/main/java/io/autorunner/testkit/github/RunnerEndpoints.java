package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * The self-hosted runner endpoints of an organisation ({@code /orgs/{org}/actions/runners}) and of
 * a repository ({@code /repos/{o}/{r}/actions/runners}): mint a JIT runner ({@code
 * generate-jitconfig}), list (by name, paged), get and delete. Guarded by the fake's lock.
 */
final class RunnerEndpoints {

  /** Whose runners a request is about: {@code org:acme} or {@code repo:acme/app}. */
  private record Scope(String key, boolean valid) {}

  private final ActionsState state;
  private final Accounts accounts;
  private final RunnerGroups groups;
  private final Dispatcher dispatcher;
  private final Supplier<URI> baseUrl;

  RunnerEndpoints(
      ActionsState state,
      Accounts accounts,
      RunnerGroups groups,
      Dispatcher dispatcher,
      Supplier<URI> baseUrl) {
    this.state = state;
    this.accounts = accounts;
    this.groups = groups;
    this.dispatcher = dispatcher;
    this.baseUrl = baseUrl;
  }

  void routes(JsonServer server, String org, String repo) {
    server.route("POST", org + "/actions/runners/generate-jitconfig", r -> jit(r, orgScope(r)));
    server.route("POST", repo + "/actions/runners/generate-jitconfig", r -> jit(r, repoScope(r)));
    server.route("GET", org + "/actions/runners", r -> list(r, orgScope(r)));
    server.route("GET", repo + "/actions/runners", r -> list(r, repoScope(r)));
    server.route("GET", org + "/actions/runners/([0-9]+)", r -> get(r, orgScope(r), 1));
    server.route("GET", repo + "/actions/runners/([0-9]+)", r -> get(r, repoScope(r), 2));
    server.route("DELETE", org + "/actions/runners/([0-9]+)", r -> delete(r, orgScope(r), 1));
    server.route("DELETE", repo + "/actions/runners/([0-9]+)", r -> delete(r, repoScope(r), 2));
  }

  private Scope orgScope(Request r) {
    String org = r.param(0);
    return new Scope("org:" + org.toLowerCase(Locale.ROOT), !accounts.isUser(org));
  }

  private static Scope repoScope(Request r) {
    return new Scope("repo:" + (r.param(0) + "/" + r.param(1)).toLowerCase(Locale.ROOT), true);
  }

  private Response jit(Request request, Scope scope) {
    if (!scope.valid()) {
      return GitHubErrors.notFound();
    }
    JsonNode body = request.json();
    String name = body.path("name").asString("");
    List<String> labels = new ArrayList<>();
    body.path("labels").forEach(l -> labels.add(l.asString()));
    if (name.isBlank() || !body.path("runner_group_id").isNumber()) {
      return GitHubErrors.error(422, "Invalid request. name and runner_group_id are required.");
    }
    if (labels.isEmpty() || labels.size() > 100) {
      return GitHubErrors.error(422, "Invalid request. labels must hold 1 to 100 items.");
    }
    String work = body.path("work_folder").asString("_work");
    long groupId = body.path("runner_group_id").asLong();
    synchronized (state.lock) {
      // An organisation's runners join one of its groups; a repository has only the default one.
      boolean groupExists =
          scope.key().startsWith(RunnerState.ORG)
              ? groups.find(request.param(0), groupId).isPresent()
              : groupId == RunnerGroups.DEFAULT;
      if (!groupExists) {
        return GitHubErrors.notFound();
      }
      boolean taken =
          state.runners.values().stream()
              .anyMatch(r -> r.scope.equals(scope.key()) && r.name.equalsIgnoreCase(name));
      if (taken) {
        return GitHubErrors.error(
            409, "Already exists - A runner with the name " + name + " already exists.");
      }
      RunnerState runner =
          new RunnerState(state.nextRunnerId(), name, scope.key(), List.copyOf(labels), groupId);
      state.runners.put(runner.id, runner);
      String config =
          JitConfigs.encode(
              runner.id,
              name,
              runner.groupId,
              dispatcher.groupName(runner),
              baseUrl.get().toString(),
              work);
      state.issuedConfigs.add(config);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("runner", runner.json());
      answer.put("encoded_jit_config", config);
      return Response.json(201, answer);
    }
  }

  private Response list(Request request, Scope scope) {
    if (!scope.valid()) {
      return GitHubErrors.notFound();
    }
    int perPage;
    int page;
    try {
      perPage =
          Math.min(
              100, Math.max(1, Integer.parseInt(request.query().getOrDefault("per_page", "30"))));
      page = Math.max(1, Integer.parseInt(request.query().getOrDefault("page", "1")));
    } catch (NumberFormatException e) {
      return GitHubErrors.error(422, "Invalid per_page or page");
    }
    String name = request.query().get("name");
    synchronized (state.lock) {
      List<RunnerState> matching =
          state.runners.values().stream()
              .filter(r -> r.scope.equals(scope.key()))
              .filter(r -> name == null || r.name.equalsIgnoreCase(name))
              .toList();
      int from = Math.min(matching.size(), (page - 1) * perPage);
      int to = Math.min(matching.size(), from + perPage);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("total_count", matching.size());
      answer.put("runners", matching.subList(from, to).stream().map(RunnerState::json).toList());
      return Response.json(200, answer);
    }
  }

  private Response get(Request request, Scope scope, int idParam) {
    synchronized (state.lock) {
      RunnerState runner = runnerIn(scope, request.param(idParam));
      return runner == null ? GitHubErrors.notFound() : Response.json(200, runner.json());
    }
  }

  private Response delete(Request request, Scope scope, int idParam) {
    synchronized (state.lock) {
      RunnerState runner = runnerIn(scope, request.param(idParam));
      if (runner == null) {
        return GitHubErrors.notFound();
      }
      if (runner.busy) {
        return GitHubErrors.error(
            422, "Bad request - Runner \"" + runner.name + "\" is still running a job\"");
      }
      state.runners.remove(runner.id);
      if ("online".equals(runner.status)) {
        // The listener loses its registration and exits; the script powers the VM off.
        dispatcher.powerOff(runner);
      }
      return Response.empty(204);
    }
  }

  /** The runner of that id in the scope, or null. Callers hold the lock. */
  private RunnerState runnerIn(Scope scope, String id) {
    RunnerState runner = state.runners.get(Long.parseLong(id));
    return !scope.valid() || runner == null || !runner.scope.equals(scope.key()) ? null : runner;
  }
}
