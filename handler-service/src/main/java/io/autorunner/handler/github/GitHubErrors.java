package io.autorunner.handler.github;

import java.util.Locale;
import java.util.function.UnaryOperator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sorts GitHub's error answers into what Cloud Tasks should do: retry (5xx, 429, rate limits) or
 * give up (every other 4xx). Shared by the REST client and the App token exchange.
 */
final class GitHubErrors {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int MAX_MESSAGE = 300;

  private GitHubErrors() {}

  /**
   * @param action what was attempted, for the message
   * @param header a response header by name (case-insensitive), or null when absent
   * @param body the response body, may be null
   */
  static GitHubException fromStatus(
      String action, int status, UnaryOperator<String> header, String body, Throwable cause) {
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
  static boolean rateLimited(int status, UnaryOperator<String> header, String message) {
    if (status == 429) {
      return true;
    }
    if (status != 403) {
      return false;
    }
    String lower = message == null ? "" : message.toLowerCase(Locale.ROOT);
    return "0".equals(strip(header.apply("x-ratelimit-remaining")))
        || header.apply("retry-after") != null
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

  private static String strip(String value) {
    return value == null ? null : value.strip();
  }
}
