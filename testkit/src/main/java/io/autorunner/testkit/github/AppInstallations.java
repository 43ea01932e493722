package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The App and its installations: the endpoints github-api calls to trade an App JWT for an
 * installation token ({@code /app}, {@code /app/installations/...}, {@code
 * /orgs|users|repos/.../installation}), and {@code GET /installation/repositories}. One
 * installation per account, its id made on first sight. Guarded by the fake's lock.
 */
final class AppInstallations {

  private final Object lock;
  private final Predicate<String> isUser;
  private final Supplier<URI> baseUrl;
  private final Repositories repositories;
  private final ApiMeter meter;
  private final Map<String, Long> installations = new HashMap<>();

  AppInstallations(
      Object lock,
      Predicate<String> isUser,
      Supplier<URI> baseUrl,
      Repositories repositories,
      ApiMeter meter) {
    this.lock = lock;
    this.isUser = isUser;
    this.baseUrl = baseUrl;
    this.repositories = repositories;
    this.meter = meter;
  }

  void routes(JsonServer server, String org, String repo) {
    server.route("GET", "/app", r -> Response.json(200, app()));
    server.route("GET", "/app/installations", this::listInstallations);
    server.route("GET", "/app/installations/([0-9]+)", this::getInstallation);
    server.route("POST", "/app/installations/([0-9]+)/access_tokens", this::createToken);
    server.route("GET", "/installation/repositories", this::installationRepositories);
    server.route("GET", org + "/installation", r -> installationOf(r.param(0), true));
    server.route("GET", "/users/([^/]+)/installation", r -> installationOf(r.param(0), false));
    server.route(
        "GET", repo + "/installation", r -> installationOf(r.param(0), !isUser.test(r.param(0))));
  }

  /** The installation id of an account. */
  long id(String login) {
    synchronized (lock) {
      return installations.computeIfAbsent(
          login.toLowerCase(Locale.ROOT), k -> 50_000_000L + installations.size() + 1);
    }
  }

  private Map<String, Object> app() {
    Map<String, Object> app = new LinkedHashMap<>();
    app.put("id", 1);
    app.put("slug", "autorunner-fake");
    app.put("name", "autorunner (fake)");
    app.put("owner", Map.of("login", "autorunner", "id", 1, "type", "Organization"));
    app.put("html_url", "https://github.com/apps/autorunner-fake");
    app.put("permissions", Map.of("organization_self_hosted_runners", "write"));
    app.put("events", List.of("workflow_job"));
    app.put("created_at", "2024-01-01T00:00:00Z");
    app.put("updated_at", "2024-01-01T00:00:00Z");
    return app;
  }

  /**
   * {@code GET /app/installations} (App JWT): one installation per owner of a known repository, one
   * page (the fake never has more than a page of owners).
   */
  private Response listInstallations(Request request) {
    Optional<Response> refused = RequestAuth.requireJwt(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    java.util.Set<String> owners = new java.util.TreeSet<>();
    repositories.all().forEach(r -> owners.add(r.owner()));
    List<Map<String, Object>> all = new java.util.ArrayList<>();
    if (request.queryParam("page").orElse("1").equals("1")) {
      owners.forEach(owner -> all.add(installation(owner, !isUser.test(owner))));
    }
    return Response.json(200, all);
  }

  private Response getInstallation(Request request) {
    long id = Long.parseLong(request.param(0));
    synchronized (lock) {
      for (Map.Entry<String, Long> entry : installations.entrySet()) {
        if (entry.getValue() == id) {
          return Response.json(200, installation(entry.getKey(), !isUser.test(entry.getKey())));
        }
      }
    }
    return GitHubErrors.notFound();
  }

  private Response installationOf(String login, boolean organization) {
    if (organization == isUser.test(login)) {
      return GitHubErrors.notFound();
    }
    return Response.json(200, installation(login, organization));
  }

  private Map<String, Object> installation(String login, boolean organization) {
    long id = id(login);
    Map<String, Object> installation = new LinkedHashMap<>();
    installation.put("id", id);
    installation.put(
        "account",
        Map.of(
            "login",
            login,
            "id",
            Accounts.id(login),
            "type",
            organization ? "Organization" : "User"));
    installation.put("app_id", 1);
    installation.put("app_slug", "autorunner-fake");
    installation.put("target_id", Accounts.id(login));
    installation.put("target_type", organization ? "Organization" : "User");
    installation.put("repository_selection", repositories.repositorySelection());
    installation.put(
        "access_tokens_url", baseUrl.get() + "/app/installations/" + id + "/access_tokens");
    installation.put("repositories_url", baseUrl.get() + "/installation/repositories");
    installation.put("html_url", "https://github.com/settings/installations/" + id);
    installation.put("permissions", Map.of("organization_self_hosted_runners", "write"));
    installation.put("events", List.of("workflow_job"));
    installation.put("created_at", "2024-01-01T00:00:00Z");
    installation.put("updated_at", "2024-01-01T00:00:00Z");
    return installation;
  }

  /**
   * {@code GET /installation/repositories}: takes an installation token; the App's JWT is refused
   * with 403, as GitHub does.
   */
  private Response installationRepositories(Request request) {
    if (RequestAuth.requireJwt(request).isEmpty()) {
      return GitHubErrors.error(403, "You must authenticate with an installation access token.");
    }
    return repositories.installation(request, meter);
  }

  private Response createToken(Request request) {
    Map<String, Object> token = new LinkedHashMap<>();
    token.put("token", "ghs_fake" + UUID.randomUUID().toString().replace("-", ""));
    token.put(
        "expires_at",
        Instant.now()
            .plus(Duration.ofHours(1))
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString());
    token.put("permissions", Map.of("organization_self_hosted_runners", "write"));
    token.put("repository_selection", repositories.repositorySelection());
    return Response.json(201, token);
  }
}
