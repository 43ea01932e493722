package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the REST calls served and answers with GitHub's rate-limit headers ({@code
 * x-ratelimit-limit}, {@code -remaining}, {@code -used}, {@code -reset}, {@code -resource}); and
 * answers conditional GETs: an {@code ETag} on the answer, {@code 304 Not Modified} without a body
 * when {@code If-None-Match} names the current one. As GitHub documents, a 304 does not count
 * against the rate limit. Thread-safe.
 */
final class ApiMeter {

  private static final int LIMIT = 5000;
  private static final Duration WINDOW = Duration.ofHours(1);

  private long total;
  private long notModified;
  private final Map<String, Long> byEndpoint = new TreeMap<>();
  private Instant windowStart;
  private int used;

  /** Counts the call and adds the rate-limit headers; control endpoints pass untouched. */
  synchronized Response decorate(Request request, Response response) {
    if (request.path().startsWith(FakeGitHub.CONTROL + "/")) {
      return response;
    }
    Instant now = Instant.now();
    if (windowStart == null || !now.isBefore(windowStart.plus(WINDOW))) {
      windowStart = now;
      used = 0;
    }
    total++;
    byEndpoint.merge(
        request.method() + " " + request.path().replaceAll("/[0-9]+", "/{id}"), 1L, Long::sum);
    if (response.status() == 304) {
      notModified++;
    } else {
      used++;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("x-ratelimit-limit", Integer.toString(LIMIT));
    headers.put("x-ratelimit-remaining", Integer.toString(Math.max(0, LIMIT - used)));
    headers.put("x-ratelimit-used", Integer.toString(used));
    headers.put("x-ratelimit-reset", Long.toString(windowStart.plus(WINDOW).getEpochSecond()));
    headers.put("x-ratelimit-resource", "core");
    return response.withHeaders(headers);
  }

  synchronized ApiCalls snapshot() {
    return new ApiCalls(total, notModified, byEndpoint);
  }

  /** The counts so far, then zero. The rate-limit window is GitHub's, and is not reset. */
  synchronized ApiCalls reset() {
    ApiCalls before = snapshot();
    total = 0;
    notModified = 0;
    byEndpoint.clear();
    return before;
  }

  /**
   * A 200 with {@code body} and its ETag, or a 304 without a body when the request's {@code
   * If-None-Match} names that ETag: the tag is a digest of the body, so it changes exactly when the
   * body would.
   */
  Response conditional(Request request, Object body) {
    String etag = etag(JsonServer.JSON.writeValueAsBytes(body));
    if (request.header("If-None-Match").filter(tags -> matches(tags, etag)).isPresent()) {
      return new Response(304, null, Map.of("ETag", etag));
    }
    return new Response(200, body, Map.of("ETag", etag));
  }

  static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "W/\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Weak comparison, as for GET: {@code W/"x"} and {@code "x"} match, and so does {@code *}. */
  private static boolean matches(String ifNoneMatch, String etag) {
    String wanted = opaque(etag);
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.equals("*") || opaque(tag).equals(wanted)) {
        return true;
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
