package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Plain REST calls to the fake GitHub, as an installation (a token) or as the App (a JWT). */
final class Rest {

  static final String INSTALLATION_TOKEN = "ghs_test";
  static final String APP_JWT = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxIn0.c2lnbmF0dXJl";

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private Rest(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  static Rest asInstallation(FakeGitHub github) {
    return new Rest(github.baseUrl(), INSTALLATION_TOKEN);
  }

  static Rest asApp(FakeGitHub github) {
    return new Rest(github.baseUrl(), APP_JWT);
  }

  HttpResponse<String> get(String path) {
    return send("GET", path, null, Map.of());
  }

  HttpResponse<String> get(String path, Map<String, String> headers) {
    return send("GET", path, null, headers);
  }

  HttpResponse<String> post(String path, Object body) {
    return send("POST", path, body, Map.of());
  }

  HttpResponse<String> put(String path, Object body) {
    return send("PUT", path, body, Map.of());
  }

  HttpResponse<String> patch(String path, Object body) {
    return send("PATCH", path, body, Map.of());
  }

  HttpResponse<String> delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  /** GET that must answer 200; its body as JSON. */
  JsonNode json(String path) {
    HttpResponse<String> response = get(path);
    if (response.statusCode() != 200) {
      throw new AssertionError(
          "GET " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return read(response);
  }

  static JsonNode read(HttpResponse<String> response) {
    return JsonServer.JSON.readTree(response.body());
  }

  /** A JSON object body from alternating keys and values. */
  static Map<String, Object> body(Object... keysAndValues) {
    Map<String, Object> body = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      body.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return body;
  }

  private HttpResponse<String> send(
      String method, String path, Object body, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(path.startsWith("http") ? URI.create(path) : base.resolve(path))
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/vnd.github+json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(
                        JsonServer.JSON.writeValueAsString(body)));
    headers.forEach(request::header);
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
