package io.autorunner.handler.setup;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /app-manifests/{code}/conversions}: trades the one-hour code GitHub sent the browser
 * back with for the App's id, private key and webhook secret. The code is the credential; the call
 * carries no token.
 */
final class ManifestConversion {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final URI apiUrl;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  ManifestConversion(URI apiUrl) {
    this.apiUrl = apiUrl;
  }

  RegisteredApp convert(String code) throws IOException, InterruptedException {
    if (!code.matches("[A-Za-z0-9_-]{1,200}")) {
      throw new IllegalArgumentException("not a manifest code GitHub sends");
    }
    String base = apiUrl.toString().replaceAll("/+$", "");
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    base
                        + "/app-manifests/"
                        + URLEncoder.encode(code, StandardCharsets.UTF_8)
                        + "/conversions"))
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 201) {
      // GitHub's error body names the problem (an expired or used code); it holds no secret.
      throw new IOException(
          "GitHub answered the conversion with " + answer.statusCode() + ": " + answer.body());
    }
    JsonNode app = JSON.readTree(answer.body());
    return new RegisteredApp(
        app.path("id").asLong(),
        app.path("slug").asString(),
        app.path("html_url").asString(),
        app.path("pem").asString(null),
        app.path("webhook_secret").asString(null));
  }
}
