package io.autorunner.testkit.github;

import io.autorunner.testkit.http.Response;
import java.util.LinkedHashMap;
import java.util.Map;

/** GitHub's error body: {@code {"message", "documentation_url", "status"}}. */
final class GitHubErrors {

  private static final String DOCS = "https://docs.github.com/rest";

  private GitHubErrors() {}

  static Response error(int status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", message);
    body.put("documentation_url", DOCS);
    body.put("status", Integer.toString(status));
    return Response.json(status, body);
  }

  static Response notFound() {
    return error(404, "Not Found");
  }

  /** What an App without the permission for an endpoint gets. */
  static Response notAccessible() {
    return error(403, "Resource not accessible by integration");
  }
}
