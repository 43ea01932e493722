package io.autorunner.testkit.github;

import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.testkit.github.HookDeliveries.Attempt;
import io.autorunner.testkit.github.WebhookPoster.Outcome;
import io.autorunner.testkit.http.JsonServer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends the fake's signed webhooks, one at a time on one sender thread in the order they were
 * queued, and records every attempt in the App's delivery log. Whether one is lost or sent twice is
 * decided when it is queued ({@link DeliveryFaults}); {@link WebhookPoster} makes the request. The
 * target is guarded by the fake's lock.
 */
final class Webhooks implements AutoCloseable {

  private final Object lock;
  private final DeliveryFaults faults;
  private final HookDeliveries log;
  private final WebhookPoster poster = new WebhookPoster();
  private final ExecutorService sender;
  private final AtomicInteger pending = new AtomicInteger();

  // Guarded by lock.
  private URI url;
  private String secret = "fake-secret";

  Webhooks(Object lock, DeliveryFaults faults, HookDeliveries log) {
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
  }

  void target(URI url, String secret) {
    synchronized (lock) {
      this.url = url;
      this.secret = Objects.requireNonNull(secret, "secret");
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
      lost = faults.lost(action);
      twice = !lost && faults.twice();
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

  private record Outgoing(
      String guid,
      String action,
      long jobId,
      Long installationId,
      Long repositoryId,
      byte[] body) {}

  private void deliver(Outgoing outgoing, boolean redelivery, boolean lost) {
    URI target;
    String key;
    synchronized (lock) {
      target = url;
      key = secret;
    }
    String signature = WebhookSignature.sign(outgoing.body(), key);
    Map<String, String> headers = WebhookPoster.headers(outgoing.guid(), signature);
    Instant sentAt = Instant.now();
    long started = System.nanoTime();
    Outcome outcome = lost ? WebhookPoster.lost() : poster.post(target, headers, outgoing.body());
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
                WebhookPoster.EVENT,
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

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
