package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.Optional;
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

  /** The answer instead of the route's, or empty to let the request through. */
  Optional<Response> filter(Request request) {
    if (request.path().startsWith(FakeGitHub.CONTROL + "/") || AppManifests.open(request)) {
      return Optional.empty();
    }
    if (faults.requestFails()) {
      return Optional.of(GitHubErrors.error(503, "Service Unavailable"));
    }
    boolean authenticated =
        request
            .header("Authorization")
            .filter(auth -> auth.matches("(?i)(bearer|token)\\s+\\S+"))
            .isPresent();
    return authenticated
        ? Optional.empty()
        : Optional.of(GitHubErrors.error(401, "Requires authentication"));
  }

  /**
   * The App's own endpoints take the App's JWT ({@code Bearer header.claims.signature}); an
   * installation token there is refused, as GitHub refuses it. Empty when the request carries a
   * JWT.
   */
  static Optional<Response> requireJwt(Request request) {
    boolean jwt =
        request.header("Authorization").filter(a -> JWT.matcher(a.trim()).matches()).isPresent();
    return jwt
        ? Optional.empty()
        : Optional.of(GitHubErrors.error(401, "A JSON web token could not be decoded"));
  }
}
