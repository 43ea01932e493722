package io.autorunner.handler.github;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.autorunner.handler.testing.MutableClock;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GitHubWebhookRedeliveriesTest {

  @RegisterExtension
  static WireMockExtension github =
      WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
  private static final String DELIVERIES = "/app/hook/deliveries";
  private static final Duration WINDOW = Duration.ofHours(1);

  private final MutableClock clock = new MutableClock(NOW);
  private final GitHubHttp http =
      new GitHubHttp(URI.create(apiUrl()), Duration.ofSeconds(2), Duration.ofSeconds(5), 0);

  @BeforeEach
  void githubAcceptsRedeliveries() {
    github.stubFor(
        post(urlMatching(DELIVERIES + "/\\d+/attempts"))
            .withHeader("Authorization", equalTo("Bearer " + FakeAppCredentials.JWT))
            .willReturn(aResponse().withStatus(202)));
  }

  @Test
  void redeliversAFailedWorkflowJobDeliveryWhoseGuidNeverSucceeded() {
    stubLog(
        null,
        null,
        delivery(5, "g2", 1, 200, "workflow_job"),
        delivery(4, "g1", 2, 502, "workflow_job"),
        delivery(3, "g2", 3, 502, "workflow_job"),
        delivery(2, "g3", 4, 500, "push"));

    WebhookRedeliveries.Report report = redeliveries(10).redeliverFailed(WINDOW);

    assertThat(report.available()).isTrue();
    assertThat(report.seen()).isEqualTo(3);
    assertThat(report.failed()).isEqualTo(1);
    assertThat(report.redelivered()).isEqualTo(1);
    assertThat(report.failures()).isEmpty();
    github.verify(1, postRequestedFor(urlMatching(DELIVERIES + "/.*")));
    github.verify(1, postRequestedFor(urlPathEqualTo(DELIVERIES + "/4/attempts")));
  }

  @Test
  void followsTheCursorAndStopsPastTheWindow() {
    stubLog(null, "v1_page2", delivery(9, "g9", 10, 200, "workflow_job"));
    stubLog(
        "v1_page2",
        "v1_page3",
        delivery(8, "g8", 50, 502, "workflow_job"),
        delivery(7, "g7", 70, 502, "workflow_job"));

    WebhookRedeliveries.Report report = redeliveries(10).redeliverFailed(WINDOW);

    assertThat(report.seen()).isEqualTo(2);
    assertThat(report.redelivered()).isEqualTo(1);
    github.verify(1, postRequestedFor(urlPathEqualTo(DELIVERIES + "/8/attempts")));
    github.verify(0, postRequestedFor(urlPathEqualTo(DELIVERIES + "/7/attempts")));
    github.verify(
        0,
        getRequestedFor(urlPathEqualTo(DELIVERIES)).withQueryParam("cursor", equalTo("v1_page3")));
  }

  @Test
  void redeliversAGuidOnceThroughItsLatestFailedDelivery() {
    stubLog(
        null,
        null,
        delivery(9, "g1", 1, 503, "workflow_job"),
        delivery(8, "g1", 2, 503, "workflow_job"),
        delivery(7, "g1", 3, 503, "workflow_job"));

    assertThat(redeliveries(10).redeliverFailed(WINDOW).redelivered()).isEqualTo(1);
    github.verify(1, postRequestedFor(urlMatching(DELIVERIES + "/.*")));
    github.verify(1, postRequestedFor(urlPathEqualTo(DELIVERIES + "/9/attempts")));
  }

  @Test
  void redeliversAtMostTheBoundPerCallOldestFirst() {
    stubLog(
        null,
        null,
        delivery(3, "g3", 1, 502, "workflow_job"),
        delivery(2, "g2", 2, 0, "workflow_job"),
        delivery(1, "g1", 3, 502, "workflow_job"));

    WebhookRedeliveries.Report report = redeliveries(2).redeliverFailed(WINDOW);

    assertThat(report.failed()).isEqualTo(3);
    assertThat(report.redelivered()).isEqualTo(2);
    assertThat(report.note()).contains("1 left for the next call");
    github.verify(1, postRequestedFor(urlPathEqualTo(DELIVERIES + "/1/attempts")));
    github.verify(1, postRequestedFor(urlPathEqualTo(DELIVERIES + "/2/attempts")));
    github.verify(0, postRequestedFor(urlPathEqualTo(DELIVERIES + "/3/attempts")));
  }

  @Test
  void aRefusedRedeliveryIsReportedTypedAndTheOthersAreStillAskedFor() {
    github.stubFor(post(DELIVERIES + "/1/attempts").willReturn(aResponse().withStatus(502)));
    stubLog(
        null,
        null,
        delivery(2, "g2", 1, 502, "workflow_job"),
        delivery(1, "g1", 2, 502, "workflow_job"));

    WebhookRedeliveries.Report report = redeliveries(10).redeliverFailed(WINDOW);

    assertThat(report.redelivered()).isEqualTo(1);
    assertThat(report.failures())
        .singleElement()
        .satisfies(
            failure -> {
              assertThat(failure.deliveryId()).isEqualTo(1);
              assertThat(failure.guid()).isEqualTo("g1");
              assertThat(failure.error()).isInstanceOf(GitHubException.Transient.class);
            });
    github.verify(1, postRequestedFor(urlPathEqualTo(DELIVERIES + "/2/attempts")));
  }

  @Test
  void aGuidThatFailedEveryTimeItWasDeliveredIsLeftAlone() {
    stubLog(
        null,
        null,
        delivery(4, "g1", 1, 401, "workflow_job"),
        delivery(3, "g1", 2, 401, "workflow_job"),
        delivery(2, "g1", 3, 401, "workflow_job"),
        delivery(1, "g1", 4, 401, "workflow_job"));

    WebhookRedeliveries.Report report = redeliveries(10).redeliverFailed(WINDOW);

    assertThat(report.failed()).isEqualTo(1);
    assertThat(report.redelivered()).isZero();
    assertThat(report.note()).contains("given up");
    github.verify(0, postRequestedFor(urlMatching(DELIVERIES + "/.*")));
  }

  @Test
  void withATokenInsteadOfAnAppThereIsNoLogToRead() {
    WebhookRedeliveries.Report report =
        new WebhookRedeliveries(http, new StaticTokenCredentials("ghp_x"), clock, 10)
            .redeliverFailed(WINDOW);

    assertThat(report.available()).isFalse();
    assertThat(report.note()).startsWith("not available");
    github.verify(0, anyRequestedFor(anyUrl()));
  }

  private WebhookRedeliveries redeliveries(int maxPerCall) {
    return new WebhookRedeliveries(http, new FakeAppCredentials(), clock, maxPerCall);
  }

  /** One page of the log; {@code cursor} null for the first page, {@code next} null for none. */
  private static void stubLog(String cursor, String next, String... deliveries) {
    var answer = okJson("[" + String.join(",", deliveries) + "]");
    if (next != null) {
      answer =
          answer.withHeader(
              "Link",
              "<" + apiUrl() + DELIVERIES + "?per_page=100&cursor=" + next + ">; rel=\"next\"");
    }
    github.stubFor(
        get(urlPathEqualTo(DELIVERIES))
            .withHeader("Authorization", equalTo("Bearer " + FakeAppCredentials.JWT))
            .withQueryParam("cursor", cursor == null ? absent() : equalTo(cursor))
            .willReturn(answer));
  }

  private static String delivery(long id, String guid, int minutesAgo, int status, String event) {
    return """
        {"id": %d, "guid": "%s", "delivered_at": "%s", "redelivery": false, "duration": 0.3,
         "status": "%s", "status_code": %d, "event": "%s", "action": "queued",
         "installation_id": 555, "repository_id": 1}
        """
        .formatted(
            id,
            guid,
            NOW.minus(Duration.ofMinutes(minutesAgo)),
            status / 100 == 2 ? "OK" : "Invalid HTTP Response: " + status,
            status,
            event);
  }

  private static String apiUrl() {
    return "http://127.0.0.1:" + github.getPort();
  }
}
