package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;

/**
 * The App's webhook delivery log and its REST endpoints, as GitHub documents them: {@code GET
 * /app/hook/deliveries} (newest first, cursor paging with a {@code Link} header), {@code GET
 * /app/hook/deliveries/{id}} and {@code POST /app/hook/deliveries/{id}/attempts} (redeliver). Every
 * attempt is one entry with its own id; a redelivery keeps the guid. Thread-safe.
 */
final class HookDeliveries {

  /** What GitHub shows as the status of a delivery whose receiver answered 2xx. */
  static final String OK = "OK";

  private static final Pattern CURSOR = Pattern.compile("v1_([0-9]+)");

  /** One delivery attempt as the log keeps it. */
  record Attempt(
      Delivery delivery,
      String event,
      Long installationId,
      Long repositoryId,
      double durationSeconds,
      String status,
      int statusCode,
      URI url,
      Map<String, String> requestHeaders,
      byte[] payload,
      Map<String, String> responseHeaders,
      String responseBody) {

    long id() {
      return delivery.hookDeliveryId();
    }
  }

  private final Supplier<URI> baseUrl;
  private final List<Attempt> attempts = new ArrayList<>(); // guarded by this, oldest first
  private long lastId = 12_000_000_000L;

  HookDeliveries(Supplier<URI> baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** Records an attempt, giving it the next id; {@code make} builds it around that id. */
  synchronized Attempt record(java.util.function.LongFunction<Attempt> make) {
    Attempt attempt = make.apply(++lastId);
    attempts.add(attempt);
    return attempt;
  }

  synchronized Optional<Attempt> find(long id) {
    return attempts.stream().filter(a -> a.id() == id).findFirst();
  }

  /** Every attempt, in the order they were made. */
  synchronized List<Delivery> deliveries() {
    return attempts.stream().map(Attempt::delivery).toList();
  }

  void routes(JsonServer server, Consumer<Attempt> redeliver) {
    server.route("GET", "/app/hook/deliveries", this::list);
    server.route("GET", "/app/hook/deliveries/([0-9]+)", this::get);
    server.route("POST", "/app/hook/deliveries/([0-9]+)/attempts", r -> redeliver(r, redeliver));
  }

  // ---------------------------------------------------------------- REST

  private Response list(Request request) {
    Optional<Response> refused = RequestAuth.requireJwt(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    int perPage;
    long from = Long.MAX_VALUE;
    try {
      perPage =
          Math.min(
              100, Math.max(1, Integer.parseInt(request.query().getOrDefault("per_page", "30"))));
    } catch (NumberFormatException e) {
      return GitHubErrors.error(400, "Bad Request");
    }
    String cursor = request.query().get("cursor");
    if (cursor != null && !cursor.isEmpty()) {
      Matcher m = CURSOR.matcher(cursor);
      if (!m.matches()) {
        return GitHubErrors.error(400, "Bad Request");
      }
      from = Long.parseLong(m.group(1));
    }
    String status = request.query().get("status");
    if (status != null && !status.equals("success") && !status.equals("failure")) {
      return GitHubErrors.error(422, "Validation Failed: status must be success or failure");
    }
    String redelivery = request.query().get("redelivery");
    List<Attempt> newestFirst;
    synchronized (this) {
      newestFirst = new ArrayList<>(attempts);
    }
    java.util.Collections.reverse(newestFirst);
    List<Map<String, Object>> page = new ArrayList<>();
    Long next = null;
    for (Attempt attempt : newestFirst) {
      if (attempt.id() > from
          || !statusMatches(status, attempt.statusCode())
          || (redelivery != null
              && Boolean.parseBoolean(redelivery) != attempt.delivery().redelivery())) {
        continue;
      }
      if (page.size() == perPage) {
        next = attempt.id();
        break;
      }
      page.add(summary(attempt));
    }
    if (next == null) {
      return Response.json(200, page);
    }
    StringBuilder link =
        new StringBuilder(baseUrl.get() + "/app/hook/deliveries?per_page=" + perPage);
    if (status != null) {
      link.append("&status=").append(status);
    }
    if (redelivery != null) {
      link.append("&redelivery=").append(URLEncoder.encode(redelivery, StandardCharsets.UTF_8));
    }
    link.append("&cursor=v1_").append(next);
    return new Response(200, page, Map.of("Link", "<" + link + ">; rel=\"next\""));
  }

  /**
   * The documented filter: success is a {@code status_code} of 200 to 399, failure 400 to 599. So
   * an attempt that got no HTTP answer at all (status code 0) is in neither: look for a status
   * other than "OK" to find every failed delivery, as GitHub's own redelivery scripts do.
   */
  private static boolean statusMatches(String wanted, int code) {
    if (wanted == null) {
      return true;
    }
    return wanted.equals("success") ? code >= 200 && code <= 399 : code >= 400 && code <= 599;
  }

  private Response get(Request request) {
    Optional<Response> refused = RequestAuth.requireJwt(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    Optional<Attempt> found = find(Long.parseLong(request.param(0)));
    if (found.isEmpty()) {
      return GitHubErrors.notFound();
    }
    Attempt attempt = found.get();
    Map<String, Object> json = summary(attempt);
    json.put("url", attempt.url() == null ? "" : attempt.url().toString());
    Map<String, Object> sent = new LinkedHashMap<>();
    sent.put("headers", attempt.requestHeaders());
    Object payload;
    try {
      payload = JsonServer.JSON.readTree(attempt.payload());
    } catch (JacksonException e) {
      payload = null;
    }
    sent.put("payload", payload);
    json.put("request", sent);
    Map<String, Object> answered = new LinkedHashMap<>();
    answered.put("headers", attempt.responseHeaders());
    answered.put("payload", attempt.responseBody());
    json.put("response", answered);
    return Response.json(200, json);
  }

  private Response redeliver(Request request, Consumer<Attempt> redeliver) {
    Optional<Response> refused = RequestAuth.requireJwt(request);
    if (refused.isPresent()) {
      return refused.get();
    }
    Optional<Attempt> found = find(Long.parseLong(request.param(0)));
    if (found.isEmpty()) {
      return GitHubErrors.notFound();
    }
    redeliver.accept(found.get());
    return Response.json(202, Map.of());
  }

  private static Map<String, Object> summary(Attempt attempt) {
    Delivery delivery = attempt.delivery();
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", attempt.id());
    json.put("guid", delivery.guid());
    json.put("delivered_at", delivery.sentAt().truncatedTo(ChronoUnit.SECONDS).toString());
    json.put("redelivery", delivery.redelivery());
    json.put("duration", attempt.durationSeconds());
    json.put("status", attempt.status());
    json.put("status_code", attempt.statusCode());
    json.put("event", attempt.event());
    json.put("action", delivery.action());
    json.put("installation_id", attempt.installationId());
    json.put("repository_id", attempt.repositoryId());
    json.put("throttled_at", null);
    return json;
  }
}
