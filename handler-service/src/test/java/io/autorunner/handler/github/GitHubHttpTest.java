package io.autorunner.handler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The shared HTTP helper: conditional GETs, cursor links, and the calls it counts. */
class GitHubHttpTest {

  @RegisterExtension
  static WireMockExtension github =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private final GitHubHttp http = http(GitHubHttp.DEFAULT_CACHE_BYTES);

  @Test
  void aNotModifiedAnswerHandsBackTheCachedBody() {
    stubEtagged("/thing", "\"v1\"", "{\"n\": 1}");

    http.getConditional("get thing", "t", http.uri("/thing"), "");
    GitHubHttp.Answer again = http.getConditional("get thing", "t", http.uri("/thing"), "");

    assertThat(again.status()).isEqualTo(200);
    assertThat(new String(again.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\": 1}");
    github.verify(
        getRequestedFor(urlPathEqualTo("/thing")).withHeader("If-None-Match", equalTo("\"v1\"")));
  }

  @Test
  void cacheScopesKeepAnswersForDifferentTokensApart() {
    stubEtagged("/thing", "\"v1\"", "{\"n\": 1}");

    http.getConditional("get thing", "t", http.uri("/thing"), "installation:1");
    http.getConditional("get thing", "t", http.uri("/thing"), "installation:2");

    github.verify(
        2, getRequestedFor(urlPathEqualTo("/thing")).withHeader("If-None-Match", absent()));
  }

  @Test
  void aCacheOfZeroBytesNeverSendsAnEtag() {
    GitHubHttp uncached = http(0);
    stubEtagged("/thing", "\"v1\"", "{\"n\": 1}");

    uncached.getConditional("get thing", "t", uncached.uri("/thing"), "");
    uncached.getConditional("get thing", "t", uncached.uri("/thing"), "");

    github.verify(
        2, getRequestedFor(urlPathEqualTo("/thing")).withHeader("If-None-Match", absent()));
  }

  @Test
  void followsANextLinkUnderTheApiRoot() {
    String next = apiUrl() + "/items?cursor=v1_2";
    github.stubFor(
        get("/items").willReturn(okJson("[]").withHeader("Link", "<" + next + ">; rel=\"next\"")));

    GitHubHttp.Answer answer = http.get("list items", "t", http.uri("/items"));

    assertThat(http.nextPage(answer)).contains(URI.create(next));
  }

  @Test
  void refusesANextLinkThatLeavesTheApiRoot() {
    github.stubFor(
        get("/items")
            .willReturn(
                okJson("[]")
                    .withHeader(
                        "Link", "<https://elsewhere.example/items?cursor=x>; rel=\"next\"")));

    GitHubHttp.Answer answer = http.get("list items", "t", http.uri("/items"));

    assertThatThrownBy(() -> http.nextPage(answer)).isInstanceOf(GitHubException.Permanent.class);
  }

  @Test
  void countsCallsNotModifiedAnswersAndTheRateLimitLeftOnThisThreadOnly() throws Exception {
    stubEtagged("/thing", "\"v1\"", "{\"n\": 1}");
    http.getConditional("warm the cache", "t", http.uri("/thing"), "");

    GitHubCalls.Count count;
    try (GitHubCalls.Meter outer = GitHubCalls.start()) {
      try (GitHubCalls.Meter inner = GitHubCalls.start()) {
        http.getConditional("get thing", "t", http.uri("/thing"), "");
        assertThat(inner.count().calls()).isEqualTo(1);
      }
      http.get("get thing", "t", http.uri("/thing"));
      // Another thread's calls are its own.
      CompletableFuture.runAsync(() -> http.get("elsewhere", "t", http.uri("/thing"))).get();
      count = outer.count();
    }

    assertThat(count.calls()).isEqualTo(2);
    assertThat(count.notModified()).isEqualTo(1);
    assertThat(count.charged()).isEqualTo(1);
    // The last answer on this thread was the plain GET.
    assertThat(count.rateLimitRemaining()).hasValue(5000);
  }

  @Test
  void aCallThatNeverGotAnAnswerStillCounts() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    GitHubHttp unreachable =
        new GitHubHttp(
            URI.create("http://127.0.0.1:" + closedPort),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            0);

    GitHubCalls.Count count;
    try (GitHubCalls.Meter meter = GitHubCalls.start()) {
      assertThatThrownBy(() -> unreachable.get("get", "t", unreachable.uri("/thing")))
          .isInstanceOf(GitHubException.Transient.class);
      count = meter.count();
    }

    assertThat(count.calls()).isEqualTo(1);
  }

  private static void stubEtagged(String path, String etag, String body) {
    github.stubFor(
        get(path)
            .withHeader("If-None-Match", absent())
            .willReturn(
                okJson(body).withHeader("ETag", etag).withHeader("x-ratelimit-remaining", "5000")));
    github.stubFor(
        get(path)
            .withHeader("If-None-Match", equalTo(etag))
            .willReturn(aResponse().withStatus(304).withHeader("x-ratelimit-remaining", "4999")));
  }

  private static GitHubHttp http(long cacheBytes) {
    return new GitHubHttp(
        URI.create(apiUrl()), Duration.ofSeconds(2), Duration.ofSeconds(5), cacheBytes);
  }

  private static String apiUrl() {
    return "http://127.0.0.1:" + github.getPort();
  }
}
