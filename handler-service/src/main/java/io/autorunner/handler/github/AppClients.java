package io.autorunner.handler.github;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import org.kohsuke.github.GitHub;
import org.kohsuke.github.GitHubAbuseLimitHandler;
import org.kohsuke.github.GitHubBuilder;
import org.kohsuke.github.GitHubRateLimitHandler;
import org.kohsuke.github.connector.GitHubConnector;
import org.kohsuke.github.connector.GitHubConnectorResponse;
import org.kohsuke.github.extras.HttpClientGitHubConnector;

/** Builds the github-api client a GitHub App trades its JWT for installation tokens with. */
final class AppClients {

  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private AppClients() {}

  /** A client of {@code apiUrl} that authenticates as the App with a fresh JWT per call. */
  static GitHub asApp(URI apiUrl, AppJwt jwt) {
    String endpoint = apiUrl.toString().replaceAll("/+$", "");
    try {
      return new GitHubBuilder()
          .withEndpoint(endpoint)
          .withAuthorizationProvider(() -> "Bearer " + jwt.sign())
          // github-api's own connector (java.net.http), with a connect timeout added and HTTP/1.1
          // for the same reason as GitHubHttp (no h2c upgrade over cleartext).
          .withConnector(
              counted(
                  new HttpClientGitHubConnector(
                      HttpClient.newBuilder()
                          .version(HttpClient.Version.HTTP_1_1)
                          .followRedirects(HttpClient.Redirect.NORMAL)
                          .connectTimeout(CONNECT_TIMEOUT)
                          .build())))
          // The defaults sleep until the limit resets, holding the task request for up to an
          // hour; failing lets Cloud Tasks retry with backoff instead.
          .withRateLimitHandler(GitHubRateLimitHandler.FAIL)
          .withAbuseLimitHandler(GitHubAbuseLimitHandler.FAIL)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot set up the GitHub App client", e);
    }
  }

  /** Token exchanges and installation look-ups count in {@link GitHubCalls} like REST calls. */
  private static GitHubConnector counted(GitHubConnector connector) {
    return request -> {
      GitHubConnectorResponse response;
      try {
        response = connector.send(request);
      } catch (IOException e) {
        GitHubCalls.record(0, null);
        throw e;
      }
      GitHubCalls.record(response.statusCode(), response.header("x-ratelimit-remaining"));
      return response;
    };
  }
}
