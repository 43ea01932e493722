package io.autorunner.scheduler.webhook;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The scheduler's HTTP server: the JDK's own ({@code com.sun.net.httpserver}), serving {@code POST
 * /webhook} and {@code GET /healthz} on a fixed pool of threads. It is all a service of two
 * endpoints behind Cloud Run's front end needs (HTTP/1.1 with keep-alive, {@code Expect:
 * 100-continue}, chunked bodies), and it starts in a few milliseconds where an embedded Tomcat and
 * its Spring Boot wiring were ~15% of the start-up's main thread (bench/startup.sh).
 *
 * <p>It opens the port as the context's last step, once every bean (and the webhook's warm-up) is
 * ready, and closes it first on shutdown: it then waits up to {@link #GRACE} for deliveries in
 * flight to be answered (Cloud Run gives a stopping instance 10 s), and closes what is left.
 *
 * <p>The JDK server's own limits are set in {@link #configureJdkServer()}: no request may take
 * longer than 20 s to arrive, nor an answer 20 s to leave, and answers go out without Nagle's
 * delay.
 */
public final class WebhookServer implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(WebhookServer.class);

  /** How long a stopping server waits for the deliveries in flight. */
  static final Duration GRACE = Duration.ofSeconds(9);

  /** Connections waiting to be accepted beyond those being served. */
  private static final int BACKLOG = 512;

  static {
    configureJdkServer();
  }

  private final ListenProperties listen;
  private final Map<String, HttpHandler> handlers;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile HttpServer server;
  private volatile ExecutorService threads;

  /**
   * @param handlers each path's handler ({@code /webhook}, {@code /healthz}); any other path is
   *     answered 404 by the server
   */
  public WebhookServer(ListenProperties listen, Map<String, HttpHandler> handlers) {
    this.listen = listen;
    this.handlers = Map.copyOf(handlers);
  }

  /**
   * The JDK server's limits, which it reads once from system properties when its first instance is
   * made: call before any {@code HttpServer} exists in the process. A property set on the command
   * line wins.
   */
  public static void configureJdkServer() {
    // Seconds a request may take to arrive (a slow client holds a thread no longer), and an answer
    // to leave: Tomcat's connection timeout is 20 s.
    System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", "20");
    System.getProperties().putIfAbsent("sun.net.httpserver.maxRspTime", "20");
    // The server writes an answer's headers and its body apart: with Nagle's algorithm, the body
    // would wait for the client's delayed acknowledgement (up to 40 ms on Linux).
    System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
  }

  @Override
  public void start() {
    InetSocketAddress address =
        listen.address() == null
            ? new InetSocketAddress(listen.port())
            : new InetSocketAddress(listen.address(), listen.port());
    HttpServer created;
    try {
      created = HttpServer.create(address, BACKLOG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + address, e);
    }
    handlers.forEach((path, handler) -> created.createContext(path, counted(handler)));
    threads = pool(listen.threads());
    created.setExecutor(threads);
    created.start();
    server = created;
    log.info("listening on port {} ({} threads)", port(), listen.threads());
  }

  /** The port it listens on: {@code server.port}, or the one taken for {@code server.port=0}. */
  public int port() {
    HttpServer current = server;
    if (current == null) {
      throw new IllegalStateException("the webhook server is not running");
    }
    return current.getAddress().getPort();
  }

  @Override
  public void stop() {
    HttpServer current = server;
    if (current == null) {
      return;
    }
    long deadline = System.nanoTime() + GRACE.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    int cut = inFlight.get();
    if (cut > 0) {
      log.warn(
          "{} deliveries were still being served after {} s: their connections close",
          cut,
          GRACE.toSeconds());
    }
    current.stop(0);
    threads.shutdown();
    server = null;
  }

  @Override
  public boolean isRunning() {
    return server != null;
  }

  /** The handler, counted while it serves, so that {@link #stop()} knows when none is. */
  private HttpHandler counted(HttpHandler handler) {
    return exchange -> {
      inFlight.incrementAndGet();
      try {
        handler.handle(exchange);
      } finally {
        inFlight.decrementAndGet();
      }
    };
  }

  /** A fixed pool of {@code size} threads, {@code webhook-1…}; the rest wait in order. */
  private static ExecutorService pool(int size) {
    AtomicInteger number = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            size,
            size,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> new Thread(task, "webhook-" + number.incrementAndGet()));
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
