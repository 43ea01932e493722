package io.autorunner.testkit.http;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** One HTTP request, with its path parameters once a route matched. */
public record Request(
    String method,
    String path,
    Map<String, String> query,
    Map<String, List<String>> headers,
    byte[] body,
    List<String> pathParams) {

  /** The first value of a header, case-insensitively. */
  public Optional<String> header(String name) {
    for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
      if (entry.getKey().equalsIgnoreCase(name) && !entry.getValue().isEmpty()) {
        return Optional.of(entry.getValue().get(0));
      }
    }
    return Optional.empty();
  }

  public String param(int index) {
    return pathParams.get(index);
  }

  public Optional<String> queryParam(String name) {
    return Optional.ofNullable(query.get(name));
  }

  /** The body as JSON; a missing or broken body answers 400 through {@link BadRequest}. */
  public JsonNode json() {
    if (body.length == 0) {
      throw new BadRequest("a JSON body is required");
    }
    try {
      return JsonServer.JSON.readTree(body);
    } catch (JacksonException e) {
      throw new BadRequest("the body is not JSON: " + e.getOriginalMessage());
    }
  }
}
