package io.autorunner.scheduler.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpHandler;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scheduler's HTTP server: its port, and its graceful stop. */
class WebhookServerTests {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void aDeliveryInFlightWhenTheServerStopsIsStillAnswered() throws Exception {
    CountDownLatch serving = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    HttpHandler slow =
        exchange -> {
          try (exchange) {
            serving.countDown();
            release.await(20, TimeUnit.SECONDS);
            byte[] body = "done".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    WebhookServer server = server(slow);
    server.start();
    CompletableFuture<HttpResponse<String>> answer =
        http.sendAsync(get(server, "/slow"), HttpResponse.BodyHandlers.ofString());
    assertThat(serving.await(20, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
    // Stopping waits for the delivery: it has not returned while the handler still works.
    assertThat(stopping).isNotDone();
    release.countDown();

    stopping.get(20, TimeUnit.SECONDS);
    assertThat(answer.get(20, TimeUnit.SECONDS).body()).isEqualTo("done");
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void anIdleServerStopsWithoutWaitingOutTheGrace() {
    WebhookServer server = server(exchange -> exchange.close());
    server.start();
    long started = System.nanoTime();

    server.stop();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(WebhookServer.GRACE);
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void portZeroTakesAFreePortAndATakenPortIsRefusedByName() {
    WebhookServer first = server(exchange -> exchange.close());
    first.start();
    try {
      assertThat(first.port()).isPositive();
      WebhookServer second =
          new WebhookServer(
              new ListenProperties(first.port(), "127.0.0.1", 1), Map.of("/", exchange -> {}));
      assertThatThrownBy(second::start)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("cannot listen on")
          .hasMessageContaining(Integer.toString(first.port()));
    } finally {
      first.stop();
    }
  }

  @Test
  void aStoppedServerHasNoPort() {
    WebhookServer server = server(exchange -> exchange.close());
    assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class);
  }

  private static WebhookServer server(HttpHandler handler) {
    return new WebhookServer(new ListenProperties(0, "127.0.0.1", 2), Map.of("/slow", handler));
  }

  private static HttpRequest get(WebhookServer server, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(20))
        .build();
  }
}
