package io.autorunner.testkit.github;

import static io.autorunner.testkit.github.FakeGitHubTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.testkit.github.WebhookReceiver.Received;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The App's webhook delivery log, its redelivery, and deliveries lost on purpose. */
class FakeGitHubHookDeliveriesTest {

  private static final String REPO = "octo-org/app";
  private static final List<String> CPU = List.of("self-hosted", "gce");
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>; rel=\"next\"");

  private FakeGitHub github;
  private WebhookReceiver receiver;
  private Rest app;

  @BeforeEach
  void start() throws Exception {
    receiver = new WebhookReceiver();
    github = new FakeGitHub();
    github.setWebhook(receiver.url(), "secret");
    app = Rest.asApp(github);
  }

  @AfterEach
  void stop() {
    github.close();
    receiver.close();
  }

  @Test
  void everyWebhookIsLoggedWithTheDocumentedFields() throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    long job = github.queueJob(REPO, CPU);
    delivered();

    JsonNode list = app.json("/app/hook/deliveries");

    assertThat(list.isArray()).isTrue();
    JsonNode delivery = list.get(0);
    assertThat(delivery.path("id").asLong()).isPositive();
    assertThat(delivery.path("guid").asString()).isEqualTo(receiver.received().get(0).guid());
    assertThat(Instant.parse(delivery.path("delivered_at").asString())).isAfter(before);
    assertThat(delivery.path("redelivery").asBoolean()).isFalse();
    assertThat(delivery.path("duration").isNumber()).isTrue();
    assertThat(delivery.path("status").asString()).isEqualTo("OK");
    assertThat(delivery.path("status_code").asInt()).isEqualTo(202);
    assertThat(delivery.path("event").asString()).isEqualTo("workflow_job");
    assertThat(delivery.path("action").asString()).isEqualTo("queued");
    assertThat(delivery.path("installation_id").asLong()).isPositive();
    assertThat(delivery.path("repository_id").asLong())
        .isEqualTo(github.repository(REPO).orElseThrow().id());
    Delivery recorded = github.deliveries().get(0);
    assertThat(recorded.hookDeliveryId()).isEqualTo(delivery.path("id").asLong());
    assertThat(recorded.guid()).isEqualTo(delivery.path("guid").asString());
    assertThat(recorded.jobId()).isEqualTo(job);
    assertThat(recorded.reachedReceiver()).isTrue();
  }

  @Test
  void theDeliveryLogTakesTheAppsJwtNotAnInstallationToken() {
    assertThat(Rest.asInstallation(github).get("/app/hook/deliveries").statusCode()).isEqualTo(401);
  }

  @Test
  void deliveriesComeNewestFirstInCursorPagesLinkedByTheirNextLink() throws Exception {
    for (int i = 0; i < 5; i++) {
      github.queueJob(REPO, CPU);
    }
    delivered();

    List<Long> ids = new ArrayList<>();
    String next = "/app/hook/deliveries?per_page=2";
    int pages = 0;
    while (next != null) {
      HttpResponse<String> page = app.get(next);
      assertThat(page.statusCode()).isEqualTo(200);
      Rest.read(page).forEach(d -> ids.add(d.path("id").asLong()));
      next = page.headers().firstValue("Link").map(FakeGitHubHookDeliveriesTest::next).orElse(null);
      pages++;
    }

    assertThat(pages).isEqualTo(3);
    assertThat(ids)
        .hasSize(5)
        .doesNotHaveDuplicates()
        .isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(ids)
        .containsExactlyInAnyOrderElementsOf(
            github.deliveries().stream().map(Delivery::hookDeliveryId).toList());
  }

  @Test
  void oneDeliveryShowsTheRequestItSentAndTheAnswerItGot() throws Exception {
    github.queueJob(REPO, CPU);
    delivered();
    long id = github.deliveries().get(0).hookDeliveryId();

    JsonNode delivery = app.json("/app/hook/deliveries/" + id);

    assertThat(delivery.path("id").asLong()).isEqualTo(id);
    assertThat(delivery.path("url").asString()).isEqualTo(receiver.url().toString());
    assertThat(delivery.path("request").path("headers").path("X-GitHub-Delivery").asString())
        .isEqualTo(delivery.path("guid").asString());
    assertThat(delivery.path("request").path("payload").path("action").asString())
        .isEqualTo("queued");
    assertThat(delivery.path("response").path("payload").asString()).isEqualTo("thanks");
    assertThat(app.get("/app/hook/deliveries/1").statusCode()).isEqualTo(404);
  }

  @Test
  void aRedeliveryResendsTheSamePayloadWithTheSameGuidAndIsLoggedAsARedelivery() throws Exception {
    github.queueJob(REPO, CPU);
    delivered();
    Delivery first = github.deliveries().get(0);

    HttpResponse<String> accepted =
        app.post("/app/hook/deliveries/" + first.hookDeliveryId() + "/attempts", null);

    assertThat(accepted.statusCode()).isEqualTo(202);
    delivered();
    List<Received> got = receiver.received();
    assertThat(got).hasSize(2);
    assertThat(got.get(1).guid()).isEqualTo(got.get(0).guid());
    assertThat(got.get(1).body()).isEqualTo(got.get(0).body());
    JsonNode newest = app.json("/app/hook/deliveries").get(0);
    assertThat(newest.path("redelivery").asBoolean()).isTrue();
    assertThat(newest.path("guid").asString()).isEqualTo(first.guid());
    assertThat(newest.path("id").asLong()).isGreaterThan(first.hookDeliveryId());
  }

  @Test
  void aLostQueuedDeliveryNeverReachesTheReceiverAndIsRecoveredThroughTheLog() throws Exception {
    github.loseNextQueuedDeliveries(1);

    long job = github.queueJob(REPO, CPU);
    long other = github.queueJob(REPO, CPU);
    delivered();

    // Only the first job's delivery was lost.
    assertThat(receiver.received()).hasSize(1);
    assertThat(receiver.received().get(0).body()).contains("\"id\":" + other);
    Delivery lost = github.deliveries().get(0);
    assertThat(lost.jobId()).isEqualTo(job);
    assertThat(lost.reachedReceiver()).isFalse();
    assertThat(lost.answered2xx()).isFalse();
    JsonNode logged = app.json("/app/hook/deliveries/" + lost.hookDeliveryId());
    assertThat(logged.path("status").asString()).isEqualTo("failed to connect to network");
    assertThat(logged.path("status_code").asInt()).isZero();
    assertThat(logged.path("action").asString()).isEqualTo("queued");

    // A recovery sweep finds it by its status and redelivers it; a redelivery is never lost.
    for (JsonNode delivery : app.json("/app/hook/deliveries")) {
      if (!"OK".equals(delivery.path("status").asString())) {
        app.post("/app/hook/deliveries/" + delivery.path("id").asLong() + "/attempts", null);
      }
    }
    delivered();

    assertThat(receiver.received()).hasSize(2);
    assertThat(receiver.received().get(1).guid()).isEqualTo(lost.guid());
    assertThat(receiver.received().get(1).body()).contains("\"id\":" + job);
  }

  @Test
  void onlyQueuedDeliveriesAreLost() throws Exception {
    github.loseQueuedDeliveries(1.0);
    long job = github.queueJob(REPO, CPU);

    assertThat(github.cancel(job)).isTrue();
    delivered();

    assertThat(github.deliveries())
        .extracting(Delivery::action)
        .containsExactly("queued", "completed");
    assertThat(github.deliveries())
        .extracting(Delivery::reachedReceiver)
        .containsExactly(false, true);
  }

  @Test
  void theLostFractionIsDrawnFromTheSeededRandomSoARunRepeats() throws Exception {
    List<Boolean> firstRun = lostPattern(42);
    List<Boolean> secondRun = lostPattern(42);

    assertThat(secondRun).isEqualTo(firstRun);
    assertThat(firstRun).contains(true, false);
  }

  @Test
  void aReceiverAnsweringOutside2xxIsLoggedWithItsStatusCode() throws Exception {
    receiver.answer(503);

    github.queueJob(REPO, CPU);
    delivered();

    JsonNode delivery = app.json("/app/hook/deliveries").get(0);
    assertThat(delivery.path("status_code").asInt()).isEqualTo(503);
    assertThat(delivery.path("status").asString()).isEqualTo("Invalid HTTP Response: 503");
    assertThat(github.deliveries().get(0).status()).isEqualTo(503);
    assertThat(github.deliveries().get(0).reachedReceiver()).isTrue();
    assertThat(app.json("/app/hook/deliveries?status=failure")).hasSize(1);
    assertThat(app.json("/app/hook/deliveries?status=success")).isEmpty();
  }

  @Test
  void aRefusedConnectionIsLoggedAsFailedToConnect() throws Exception {
    receiver.close();

    github.queueJob(REPO, CPU);
    delivered();

    JsonNode delivery = app.json("/app/hook/deliveries").get(0);
    assertThat(delivery.path("status").asString()).isEqualTo("failed to connect to network");
    assertThat(delivery.path("status_code").asInt()).isZero();
    assertThat(github.deliveries().get(0).status()).isEqualTo(-1);
    assertThat(github.deliveries().get(0).reachedReceiver()).isFalse();
  }

  // ---------------------------------------------------------------- helpers

  private void delivered() throws InterruptedException {
    assertThat(github.awaitDeliveries(Duration.ofSeconds(10))).isTrue();
  }

  private static String next(String link) {
    Matcher m = NEXT.matcher(link);
    return m.find() ? m.group(1) : null;
  }

  /** Which of 20 queued deliveries a fake seeded with {@code seed} loses at a fraction of 0.5. */
  private List<Boolean> lostPattern(long seed) throws Exception {
    try (FakeGitHub fake = new FakeGitHub()) {
      fake.setWebhook(receiver.url(), "secret");
      fake.setSeed(seed);
      fake.loseQueuedDeliveries(0.5);
      for (int i = 0; i < 20; i++) {
        fake.queueJob(REPO, CPU);
      }
      assertThat(fake.awaitDeliveries(Duration.ofSeconds(10))).isTrue();
      await(() -> fake.deliveries().size() == 20);
      return fake.deliveries().stream().map(d -> !d.reachedReceiver()).toList();
    }
  }
}
