package io.autorunner.testkit.github;

import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.github.HookDeliveries.Attempt;
import io.autorunner.testkit.http.JsonServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the fake's signed webhooks, one at a time on one sender thread in the order they were
 * queued, and records every attempt in the App's delivery log. Its fault knobs: redeliveries
 * (GitHub sending one twice) and lost {@code queued} deliveries that fail without reaching the
 * receiver, the way GitHub records a delivery it could not make. Knobs are guarded by the fake's
 * lock; the random draws come from the fake's seeded random.
 */
final class Webhooks implements AutoCloseable {

  static final String EVENT = "workflow_job";

  /** The status GitHub records for a delivery the receiver refused: no HTTP answer, code 0. */
  static final String FAILED_TO_CONNECT = "failed to connect to network";

  static final String TIMED_OUT = "timed out";

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Object lock;
  private final Faults faults;
  private final HookDeliveries log;
  private final ExecutorService sender;
  private final HttpClient http;
  private final AtomicInteger pending = new AtomicInteger();

  // Guarded by lock.
  private URI url;
  private String secret = "fake-secret";
  private double redeliveryFraction;
  private double lostQueuedFraction;
  private int loseNextQueued;

  Webhooks(Object lock, Faults faults, HookDeliveries log) {
    this.lock = lock;
    this.faults = faults;
    this.log = log;
    this.sender =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fake-github-webhooks");
              t.setDaemon(true);
              return t;
            });
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  void target(URI url, String secret) {
    synchronized (lock) {
      this.url = url;
      this.secret = Objects.requireNonNull(secret, "secret");
    }
  }

  void redeliveryFraction(double fraction) {
    synchronized (lock) {
      redeliveryFraction = fraction;
    }
  }

  void loseQueuedFraction(double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("fraction must be within 0 and 1: " + fraction);
    }
    synchronized (lock) {
      lostQueuedFraction = fraction;
    }
  }

  void loseNextQueued(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    synchronized (lock) {
      loseNextQueued = count;
    }
  }

  /**
   * Queues one delivery of {@code payload}; decides now, in order, whether it is lost or doubled.
   */
  void send(String action, long jobId, Long installationId, Long repositoryId, Object payload) {
    Outgoing outgoing;
    boolean lost;
    boolean twice;
    synchronized (lock) {
      lost = "queued".equals(action) && lose();
      twice = !lost && faults.chance(redeliveryFraction);
      outgoing =
          new Outgoing(
              UUID.randomUUID().toString(),
              action,
              jobId,
              installationId,
              repositoryId,
              JsonServer.JSON.writeValueAsBytes(payload));
    }
    pending.incrementAndGet();
    sender.execute(
        () -> {
          try {
            deliver(outgoing, false, lost);
            if (twice) {
              deliver(outgoing, true, false);
            }
          } finally {
            pending.decrementAndGet();
          }
        });
  }

  /** {@code POST /app/hook/deliveries/{id}/attempts}: the same payload and guid, once more. */
  void redeliver(Attempt original) {
    Delivery first = original.delivery();
    Outgoing outgoing =
        new Outgoing(
            first.guid(),
            first.action(),
            first.jobId(),
            original.installationId(),
            original.repositoryId(),
            original.payload());
    pending.incrementAndGet();
    sender.execute(
        () -> {
          try {
            deliver(outgoing, true, false);
          } finally {
            pending.decrementAndGet();
          }
        });
  }

  List<Delivery> deliveries() {
    return log.deliveries();
  }

  boolean awaitDeliveries(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (pending.get() > 0) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(10);
    }
    return true;
  }

  /** Called under the lock: the explicit count first, then the seeded fraction. */
  private boolean lose() {
    if (loseNextQueued > 0) {
      loseNextQueued--;
      return true;
    }
    return faults.chance(lostQueuedFraction);
  }

  private record Outgoing(
      String guid,
      String action,
      long jobId,
      Long installationId,
      Long repositoryId,
      byte[] body) {}

  private record Outcome(
      int legacyStatus,
      String error,
      boolean reached,
      String status,
      int statusCode,
      Map<String, String> responseHeaders,
      String responseBody) {}

  private void deliver(Outgoing outgoing, boolean redelivery, boolean lost) {
    URI target;
    String key;
    synchronized (lock) {
      target = url;
      key = secret;
    }
    String signature = WebhookSignature.sign(outgoing.body(), key);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "*/*");
    headers.put("Content-Type", "application/json");
    headers.put("User-Agent", "GitHub-Hookshot/fake");
    headers.put("X-GitHub-Delivery", outgoing.guid());
    headers.put("X-GitHub-Event", EVENT);
    headers.put("X-GitHub-Hook-ID", "1");
    headers.put("X-GitHub-Hook-Installation-Target-ID", "1");
    headers.put("X-GitHub-Hook-Installation-Target-Type", "integration");
    headers.put(WebhookSignature.HEADER, signature);
    Instant sentAt = Instant.now();
    long started = System.nanoTime();
    Outcome outcome = lost ? lostOutcome() : post(target, headers, outgoing.body());
    double seconds = (System.nanoTime() - started) / 1e9;
    log.record(
        id ->
            new Attempt(
                new Delivery(
                    outgoing.guid(),
                    outgoing.action(),
                    outgoing.jobId(),
                    new String(outgoing.body(), StandardCharsets.UTF_8),
                    signature,
                    outcome.legacyStatus(),
                    redelivery,
                    sentAt,
                    outcome.error(),
                    id,
                    outcome.reached()),
                EVENT,
                outgoing.installationId(),
                outgoing.repositoryId(),
                seconds,
                outcome.status(),
                outcome.statusCode(),
                target,
                Map.copyOf(headers),
                outgoing.body(),
                outcome.responseHeaders(),
                outcome.responseBody()));
  }

  private static Outcome lostOutcome() {
    return new Outcome(
        -1,
        "lost on purpose (fault knob): " + FAILED_TO_CONNECT,
        false,
        FAILED_TO_CONNECT,
        0,
        null,
        null);
  }

  private Outcome post(URI target, Map<String, String> headers, byte[] body) {
    if (target == null) {
      // No receiver configured (the App's webhook has no URL).
      return new Outcome(0, null, false, "failed to connect to host", 0, null, null);
    }
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(target)
              .timeout(TIMEOUT)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body));
      // Accept and User-Agent are set by the client itself, or restricted.
      headers.forEach(
          (k, v) -> {
            if (!k.equals("Accept")) {
              request.header(k, v);
            }
          });
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      int code = response.statusCode();
      Map<String, String> answered = new LinkedHashMap<>();
      response.headers().map().forEach((k, v) -> answered.put(k, String.join(", ", v)));
      String status =
          code >= 200 && code < 300 ? HookDeliveries.OK : "Invalid HTTP Response: " + code;
      return new Outcome(code, null, true, status, code, answered, response.body());
    } catch (HttpConnectTimeoutException | ConnectException e) {
      return new Outcome(-1, e.toString(), false, FAILED_TO_CONNECT, 0, null, null);
    } catch (HttpTimeoutException e) {
      // Sent, but no answer within GitHub's 10 s: the receiver may well have it.
      return new Outcome(-1, e.toString(), true, TIMED_OUT, 0, null, null);
    } catch (IOException e) {
      return new Outcome(-1, e.toString(), false, FAILED_TO_CONNECT, 0, null, null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(-1, "interrupted", false, FAILED_TO_CONNECT, 0, null, null);
    }
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
