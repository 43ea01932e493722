package io.autorunner.handler.github;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.kohsuke.github.GHFileNotFoundException;
import org.kohsuke.github.HttpException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sorts GitHub's error answers into what Cloud Tasks should do: retry (5xx, 429, rate limits) or
 * give up (every other 4xx). The one place a status becomes a {@link GitHubException}, for the REST
 * client ({@link GitHubHttp}) and the App's token exchange (github-api) alike.
 */
final class GitHubErrors {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_MESSAGE = 300;

  private GitHubErrors() {}

  /**
   * The answer when 2xx or one of {@code alsoAccepted}.
   *
   * @throws GitHubException typed by {@link #fromStatus}
   */
  static GitHubHttp.Answer unlessFailed(
      String action, GitHubHttp.Answer answer, int... alsoAccepted) {
    int status = answer.status();
    if (status / 100 == 2) {
      return answer;
    }
    for (int accepted : alsoAccepted) {
      if (status == accepted) {
        return answer;
      }
    }
    throw fromStatus(
        action,
        status,
        name -> Optional.ofNullable(answer.headers().getFirst(name)),
        new String(answer.body(), StandardCharsets.UTF_8),
        null);
  }

  /**
   * What a failed github-api call (token exchange, installation look-up) means: its HTTP status
   * typed as for REST calls, a 404 as a missing installation, anything else as the network.
   */
  static GitHubException fromAppClient(String action, IOException e) {
    if (e instanceof GHFileNotFoundException) {
      return new GitHubException.Permanent(action + ": HTTP 404 (is the App installed there?)", e);
    }
    if (e instanceof HttpException http && http.getResponseCode() > 0) {
      Map<String, List<String>> headers = http.getResponseHeaderFields();
      return fromStatus(
          action, http.getResponseCode(), name -> header(headers, name), http.getMessage(), e);
    }
    return new GitHubException.Transient(action + ": " + e.getMessage(), e);
  }

  /**
   * @param action what was attempted, for the message
   * @param header a response header by name (case-insensitive), if present
   * @param body the response body, may be null
   */
  static GitHubException fromStatus(
      String action,
      int status,
      Function<String, Optional<String>> header,
      String body,
      Throwable cause) {
    String message = messageOf(body);
    String text = action + ": HTTP " + status + (message.isEmpty() ? "" : " " + message);
    if (status >= 500 || rateLimited(status, header, message)) {
      return new GitHubException.Transient(text, cause);
    }
    return new GitHubException.Permanent(text, cause);
  }

  /**
   * GitHub answers a primary rate limit with 403 or 429 and {@code x-ratelimit-remaining: 0}, a
   * secondary one with 403 or 429, a {@code retry-after} header or a message saying so.
   */
  static boolean rateLimited(
      int status, Function<String, Optional<String>> header, String message) {
    if (status == 429) {
      return true;
    }
    if (status != 403) {
      return false;
    }
    String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
    return header.apply("x-ratelimit-remaining").map(String::strip).filter("0"::equals).isPresent()
        || header.apply("retry-after").isPresent()
        || lower.contains("rate limit")
        || lower.contains("abuse");
  }

  /** GitHub's {@code message} field of an error body, else the body itself, shortened. */
  static String messageOf(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String message = body.strip();
    try {
      JsonNode node = JSON.readTree(body);
      if (node != null && node.hasNonNull("message")) {
        message = node.get("message").asString();
      }
    } catch (RuntimeException notJson) {
      // An HTML error page from a proxy: keep the raw text, shortened.
    }
    return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
  }

  /** The first value of a header github-api reports, matched case-insensitively. */
  private static Optional<String> header(Map<String, List<String>> headers, String name) {
    if (headers == null) {
      return Optional.empty();
    }
    return headers.entrySet().stream()
        .filter(entry -> name.equalsIgnoreCase(entry.getKey()))
        .map(Map.Entry::getValue)
        .filter(values -> values != null && !values.isEmpty())
        .map(values -> values.get(0))
        .findFirst();
  }
}
