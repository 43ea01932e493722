package io.autorunner.testkit.datastore;

import com.google.datastore.v1.BeginTransactionRequest;
import com.google.datastore.v1.CommitRequest;
import com.google.datastore.v1.LookupRequest;
import com.google.datastore.v1.RollbackRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Firestore in Datastore mode on 127.0.0.1, speaking the v1 API as the client library's HTTP
 * transport does: {@code POST /v1/projects/PROJECT:METHOD} with {@code application/x-protobuf}
 * bodies, errors as a {@code google.rpc.Status} body under the code's HTTP status. It serves {@code
 * beginTransaction}, {@code lookup} (in and out of a transaction), {@code commit} (insert, update,
 * upsert, delete; transactional or not) and {@code rollback}; other methods answer UNIMPLEMENTED.
 * Point a client at it with {@code DatastoreOptions.setHost(baseUrl())} and no credentials.
 */
public final class FakeDatastore implements AutoCloseable {

  static {
    // The JDK's HTTP server writes a response's headers and body apart; with Nagle's algorithm on
    // and the client's delayed ACK that costs ~40 ms a call, which a transaction pays three times.
    // Read once, when the JDK's server first starts in this JVM: set it unless someone chose.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private static final Pattern CALL = Pattern.compile("/v1/projects/([^/:]+):([A-Za-z]+)");
  private static final String PROTOBUF = "application/x-protobuf";

  private final EntityStore store;
  private final HttpServer server;
  private final ExecutorService workers;
  private final AtomicInteger failing = new AtomicInteger();
  private final AtomicInteger aborting = new AtomicInteger();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

  /** A fake on a free port. */
  public FakeDatastore() {
    this(0);
  }

  /** A fake on {@code port} of 127.0.0.1 (0 for a free one). */
  public FakeDatastore(int port) {
    this(port, Clock.systemUTC());
  }

  public FakeDatastore(int port, Clock clock) {
    this.store = new EntityStore(clock);
    AtomicInteger threads = new AtomicInteger();
    this.workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-datastore-http-" + threads.incrementAndGet());
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

  /** {@code http://127.0.0.1:PORT}: the client's host ({@code autorunner.store.endpoint}). */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  // --- fault knobs ---------------------------------------------------------------------------

  /** The next {@code count} calls, whatever their method, answer 503 UNAVAILABLE: an outage. */
  public void failNext(int count) {
    failing.set(count);
  }

  /**
   * The next {@code count} transactional commits answer 409 ABORTED as if another writer had won,
   * whatever they read.
   */
  public void abortNextCommits(int count) {
    aborting.set(count);
  }

  // --- inspection ----------------------------------------------------------------------------

  /** Every stored entity, in the order first written. */
  public List<StoredEntity> entities() {
    return store.all();
  }

  /** The entity of {@code kind} named {@code name}, in whichever database or namespace. */
  public Optional<StoredEntity> entity(String kind, String name) {
    return entities().stream()
        .filter(e -> e.kind().equals(kind) && e.name().equals(name))
        .findFirst();
  }

  /**
   * How many calls of {@code method} ({@code commit}, {@code lookup}, …) arrived, faults included.
   */
  public int calls(String method) {
    AtomicInteger count = calls.get(method);
    return count == null ? 0 : count.get();
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Matcher call = CALL.matcher(exchange.getRequestURI().getRawPath());
      Message answer;
      int status = 200;
      try {
        if (!"POST".equals(exchange.getRequestMethod()) || !call.matches()) {
          throw new RpcFailure(
              Code.NOT_FOUND,
              "no such method: " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
        }
        answer = answer(call.group(2), body);
      } catch (RpcFailure failure) {
        answer = failure.status();
        status = failure.httpStatus();
      } catch (InvalidProtocolBufferException e) {
        RpcFailure failure = RpcFailure.invalid("the body is not the method's request: " + e);
        answer = failure.status();
        status = failure.httpStatus();
      }
      byte[] bytes = answer.toByteArray();
      exchange.getResponseHeaders().set("Content-Type", PROTOBUF);
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      if (bytes.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  private Message answer(String method, byte[] body) throws InvalidProtocolBufferException {
    calls.computeIfAbsent(method, m -> new AtomicInteger()).incrementAndGet();
    if (takeOne(failing)) {
      throw RpcFailure.unavailable();
    }
    return switch (method) {
      case "beginTransaction" -> store.begin(BeginTransactionRequest.parseFrom(body));
      case "lookup" -> store.lookup(LookupRequest.parseFrom(body));
      case "commit" -> {
        CommitRequest request = CommitRequest.parseFrom(body);
        if (!request.getTransaction().isEmpty() && takeOne(aborting)) {
          throw RpcFailure.contention();
        }
        yield store.commit(request);
      }
      case "rollback" -> store.rollback(RollbackRequest.parseFrom(body));
      default -> throw new RpcFailure(Code.UNIMPLEMENTED, "the fake does not serve " + method);
    };
  }

  /** Takes one from a positive counter; false when it is spent. */
  private static boolean takeOne(AtomicInteger counter) {
    return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
  }
}
