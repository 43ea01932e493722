package io.autorunner.testkit.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * A tiny JSON-over-HTTP server on loopback: routes by method and path pattern, with filters that
 * may answer first (faults, authentication). Each request runs on its own pooled thread, so a
 * long-polling route ({@code operations/…/wait}) never blocks the others.
 */
public final class JsonServer implements AutoCloseable {

  public static final JsonMapper JSON = JsonMapper.builder().build();

  /** Handles one matched request. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request);
  }

  private record Route(String method, Pattern path, Handler handler) {}

  private final HttpServer server;
  private final ExecutorService workers;
  private final List<Route> routes = new CopyOnWriteArrayList<>();
  private final List<Function<Request, Optional<Response>>> filters = new CopyOnWriteArrayList<>();
  private final List<BiFunction<Request, Response, Response>> decorators =
      new CopyOnWriteArrayList<>();
  private final Function<String, Response> badRequest;
  private final Function<String, Response> notFound;

  /**
   * Binds 127.0.0.1 on {@code port} (0 for a free one).
   *
   * @param badRequest the error body for a 400, in the faked service's shape
   * @param notFound the error body for a path no route knows
   */
  public JsonServer(
      String name,
      int port,
      Function<String, Response> badRequest,
      Function<String, Response> notFound) {
    this.badRequest = Objects.requireNonNull(badRequest, "badRequest");
    this.notFound = Objects.requireNonNull(notFound, "notFound");
    AtomicInteger threads = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, name + "-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    } catch (IOException e) {
      workers.shutdownNow();
      throw new UncheckedIOException("cannot bind 127.0.0.1:" + port, e);
    }
    server.setExecutor(workers);
    server.createContext("/", this::serve);
    server.start();
  }

  /** Adds a route; {@code pathRegex} must match the whole path, its groups are path params. */
  public void route(String method, String pathRegex, Handler handler) {
    routes.add(new Route(method, Pattern.compile(pathRegex), handler));
  }

  /** A filter runs before routing, on matched routes only; an answer it gives is sent instead. */
  public void filter(Function<Request, Optional<Response>> filter) {
    filters.add(filter);
  }

  /**
   * A decorator sees every answer, to a path a route knows or not, errors included, and returns it
   * or a replacement: to add headers, or to count what was served. Decorators run in the order they
   * were added.
   */
  public void decorate(BiFunction<Request, Response, Response> decorator) {
    decorators.add(Objects.requireNonNull(decorator, "decorator"));
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      Request request = read(exchange);
      Response response;
      try {
        response = dispatch(request);
      } catch (BadRequest e) {
        response = badRequest.apply(e.getMessage());
      } catch (RuntimeException e) {
        response =
            Response.json(500, Map.of("error", Map.of("code", 500, "message", "fake error: " + e)));
      }
      for (BiFunction<Request, Response, Response> decorator : decorators) {
        response = decorator.apply(request, response);
      }
      write(exchange, response);
    }
  }

  /** The request as it came, before routing: no path parameters yet. */
  private static Request read(HttpExchange exchange) throws IOException {
    return new Request(
        exchange.getRequestMethod().toUpperCase(Locale.ROOT),
        exchange.getRequestURI().getRawPath(),
        query(exchange.getRequestURI().getRawQuery()),
        Map.copyOf(exchange.getRequestHeaders()),
        exchange.getRequestBody().readAllBytes(),
        List.of());
  }

  private Response dispatch(Request incoming) {
    for (Route route : routes) {
      Matcher matcher = route.path().matcher(incoming.path());
      if (!route.method().equals(incoming.method()) || !matcher.matches()) {
        continue;
      }
      List<String> params = new ArrayList<>();
      for (int i = 1; i <= matcher.groupCount(); i++) {
        params.add(URLDecoder.decode(matcher.group(i), StandardCharsets.UTF_8));
      }
      Request request =
          new Request(
              incoming.method(),
              incoming.path(),
              incoming.query(),
              incoming.headers(),
              incoming.body(),
              List.copyOf(params));
      for (Function<Request, Optional<Response>> filter : filters) {
        Optional<Response> early = filter.apply(request);
        if (early.isPresent()) {
          return early.get();
        }
      }
      return route.handler().handle(request);
    }
    return notFound.apply(incoming.method() + " " + incoming.path());
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> params = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(key, value);
    }
    return params;
  }

  private static void write(HttpExchange exchange, Response response) throws IOException {
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (response.body() == null) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    byte[] bytes = JSON.writeValueAsBytes(response.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(response.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
