package io.autorunner.testkit.github;

import java.util.Map;

/**
 * A snapshot of the REST calls the fake GitHub served (its control endpoints not included).
 *
 * @param total every call answered, whatever the status
 * @param notModified the calls answered {@code 304 Not Modified}; GitHub does not count them
 *     against the rate limit
 * @param byEndpoint calls per {@code METHOD /path}, numeric path segments written {@code {id}}
 */
public record ApiCalls(long total, long notModified, Map<String, Long> byEndpoint) {

  public ApiCalls {
    byEndpoint = Map.copyOf(byEndpoint);
  }

  /** The calls that count against the rate limit. */
  public long rateLimited() {
    return total - notModified;
  }

  /** Calls to one endpoint, e.g. {@code calls("GET /installation/repositories")}. */
  public long calls(String endpoint) {
    return byEndpoint.getOrDefault(endpoint, 0L);
  }
}
