package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.regex.Pattern;

/**
 * The filter before every REST route: a request the faults pick answers 503, one without a token
 * 401. The App's own endpoints also check for the App's JWT ({@link #requireJwt}). The fake's
 * control endpoints need no token.
 */
final class RequestAuth {

  private static final Pattern JWT =
      Pattern.compile("(?i)bearer\\s+[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  private final Faults faults;

  RequestAuth(Faults faults) {
    this.faults = faults;
  }

  /** Null to let the request through; else the answer. */
  Response filter(Request request) {
    if (request.path().startsWith(FakeGitHub.CONTROL + "/")) {
      return null;
    }
    if (faults.requestFails()) {
      return GitHubErrors.error(503, "Service Unavailable");
    }
    String auth = request.header("Authorization");
    if (auth == null || !auth.matches("(?i)(bearer|token)\\s+\\S+")) {
      return GitHubErrors.error(401, "Requires authentication");
    }
    return null;
  }

  /**
   * The App's own endpoints take the App's JWT ({@code Bearer header.claims.signature}); an
   * installation token there is refused, as GitHub refuses it. Null when the request carries a JWT.
   */
  static Response requireJwt(Request request) {
    String auth = request.header("Authorization");
    return auth != null && JWT.matcher(auth.trim()).matches()
        ? null
        : GitHubErrors.error(401, "A JSON web token could not be decoded");
  }
}
