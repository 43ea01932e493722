package io.autorunner.testkit.local;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What Cloud Run's front end does for a service of several instances: each request goes to the next
 * instance in turn, and an instance that is down (killed, restarting) is skipped; with none up the
 * caller gets 503, which Cloud Tasks retries.
 */
public final class RoundRobinProxy implements AutoCloseable {

  private static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "content-length",
          "host",
          "keep-alive",
          "transfer-encoding",
          "upgrade",
          "expect");

  private final HttpServer server;
  private final ExecutorService workers = Executors.newCachedThreadPool();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final Supplier<List<URI>> backends;
  private final AtomicInteger next = new AtomicInteger();

  /**
   * @param backends the instances' base URLs, read at each request (instances come and go)
   */
  public RoundRobinProxy(Supplier<List<URI>> backends) throws IOException {
    this.backends = backends;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.createContext("/", this::forward);
    server.setExecutor(workers);
    server.start();
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      List<URI> targets = backends.get();
      int start = Math.floorMod(next.getAndIncrement(), Math.max(1, targets.size()));
      for (int i = 0; i < targets.size(); i++) {
        URI target = targets.get((start + i) % targets.size());
        HttpResponse<byte[]> response;
        try {
          response =
              http.send(request(exchange, target, body), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.net.ConnectException down) {
          // Connection refused: that instance is down; the next one gets it.
          continue;
        } catch (IOException cut) {
          // The instance took the request and died with it: the caller sees a failure, as
          // from Cloud Run, and retries.
          exchange.sendResponseHeaders(502, -1);
          return;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        response
            .headers()
            .map()
            .forEach(
                (name, values) -> {
                  if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    exchange.getResponseHeaders().put(name, values);
                  }
                });
        byte[] answer = response.body();
        exchange.sendResponseHeaders(
            response.statusCode(), answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(answer);
        }
        return;
      }
      exchange.sendResponseHeaders(503, -1);
    }
  }

  private static HttpRequest request(HttpExchange exchange, URI target, byte[] body) {
    URI uri = target.resolve(exchange.getRequestURI().toString());
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofMinutes(5))
            .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> builder.header(name, value));
              }
            });
    return builder.build();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
