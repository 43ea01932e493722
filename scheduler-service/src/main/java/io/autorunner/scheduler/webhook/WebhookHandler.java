package io.autorunner.scheduler.webhook;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.autorunner.common.event.MalformedEventException;
import io.autorunner.common.event.UntrustedText;
import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.common.logging.TraceContext;
import io.autorunner.common.routing.Route;
import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.scheduler.queue.QueueUnavailableException;
import io.autorunner.scheduler.queue.RunnerQueue;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;

/**
 * GitHub's webhook endpoint. It must answer in well under GitHub's 10 s and never does slow work:
 * verify the signature, parse, route by the pure policy, enqueue a named task: one call to the
 * queue (a created VM's delayed check goes through {@link DelayedChecks}, off this path). GitHub
 * never redelivers a failed delivery on its own, so a queue outage answers 503 (visible in GitHub's
 * delivery log, where it can be redelivered) rather than pretending success.
 *
 * <p>A handler of the JDK's HTTP server ({@link WebhookServer}) that reads its few headers and
 * writes its small answer itself: no servlet container, no Spring MVC. MVC's argument resolution,
 * reflective call and message conversion were a fifth of a delivery's CPU under the front-door
 * benchmark (perf, bench/frontdoor.sh); an embedded Tomcat was ~15% of the start-up's main thread
 * (async-profiler, bench/startup.sh). The signature, parsing and routing pass the {@link CpuGate},
 * a few deliveries at a time; reading the body, the queue's call and the answer are outside it. The
 * request's trace headers put its trace on every line logged while it is served.
 */
final class WebhookHandler implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);

  static final String PATH = "/webhook";

  /** GitHub caps payloads at 25 MB; a workflow_job is a few KB. Anything past 1 MiB is not ours. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  /**
   * An oversized body up to this is read and dropped before the 413, so that the client, still
   * sending, reads the answer rather than a reset connection; a larger one is not read at all, and
   * the connection closes after the answer.
   */
  static final int MAX_DROPPED_BYTES = 2 * MAX_BODY_BYTES;

  private final WebhookSignature signature;
  private final WorkflowJobRouter router;
  private final RunnerQueue queue;
  private final DelayedChecks checks;
  private final CpuGate cpu;

  WebhookHandler(
      WebhookSignature signature,
      WorkflowJobRouter router,
      RunnerQueue queue,
      DelayedChecks checks,
      CpuGate cpu) {
    this.signature = signature;
    this.router = router;
    this.queue = queue;
    this.checks = checks;
    this.cpu = cpu;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        exchange.sendResponseHeaders(HttpStatus.METHOD_NOT_ALLOWED.value(), -1);
        return;
      }
      Headers headers = exchange.getRequestHeaders();
      Delivery delivery =
          new Delivery(
              System.nanoTime(),
              headers.getFirst("X-GitHub-Event"),
              headers.getFirst("X-GitHub-Delivery"),
              headers.getFirst(WebhookSignature.HEADER));
      Answer answer;
      try (TraceContext.Scope scope =
          TraceContext.openFrom(
              headers.getFirst(TraceContext.CLOUD_TRACE_HEADER),
              headers.getFirst(TraceContext.TRACEPARENT_HEADER))) {
        answer = answerSafely(delivery, exchange);
      }
      byte[] body = answer.body().json();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(answer.status().value(), body.length);
      exchange.getResponseBody().write(body);
    }
  }

  /** The delivery's answer; a 500 that says so when something failed that should not have. */
  private Answer answerSafely(Delivery delivery, HttpExchange exchange) throws IOException {
    try {
      return receive(delivery, exchange);
    } catch (RuntimeException e) {
      log.error("delivery={} failed in autorunner itself", delivery.id(), e);
      return new Answer(
          HttpStatus.INTERNAL_SERVER_ERROR,
          WebhookAnswer.of("failed", "autorunner failed on this delivery; redeliver it"));
    }
  }

  /** An HTTP status and the JSON body that goes with it. */
  record Answer(HttpStatus status, WebhookAnswer body) {}

  /** What the headers say of a delivery, and when it arrived. */
  private record Delivery(long started, String event, String id, String signed) {}

  /** A job routed: either answered already ({@code answer}) or with a task to enqueue. */
  private record Routed(Answer answer, WorkflowJobEvent job, Route route) {}

  private Answer receive(Delivery delivery, HttpExchange exchange) throws IOException {
    Optional<byte[]> body = readBounded(exchange);
    if (body.isEmpty()) {
      return answer(delivery, HttpStatus.CONTENT_TOO_LARGE, "rejected", "body over 1 MiB");
    }
    Routed routed = cpu.through(() -> route(delivery, body.get()));
    if (routed.answer() != null) {
      return routed.answer();
    }
    Route route = routed.route();
    RunnerQueue.Enqueued enqueued;
    try {
      enqueued = queue.enqueue(route.task());
    } catch (QueueUnavailableException e) {
      return log(
          delivery,
          routed.job(),
          route,
          HttpStatus.SERVICE_UNAVAILABLE,
          new WebhookAnswer(
              "unavailable",
              "the task queue is unreachable; redeliver later: " + e.getMessage(),
              null));
    }
    if (route.task() instanceof RunnerTask.CreateRunner create) {
      checks.schedule(create);
    }
    String reason =
        enqueued.created() ? route.reason() : route.reason() + " (task existed already)";
    return log(
        delivery,
        routed.job(),
        route,
        HttpStatus.ACCEPTED,
        new WebhookAnswer(route.decision().wireName(), reason, enqueued.name()));
  }

  /** Signature, event, parsing and routing: the delivery's answer unless it has a task. */
  private Routed route(Delivery delivery, byte[] body) {
    if (!signature.verify(body, delivery.signed())) {
      return answered(
          delivery,
          HttpStatus.UNAUTHORIZED,
          "rejected",
          delivery.signed() == null ? "X-Hub-Signature-256 missing" : "signature does not match");
    }
    String event = delivery.event();
    String kind = event == null ? "" : event.trim().toLowerCase(Locale.ROOT);
    if (kind.equals("ping")) {
      return answered(delivery, HttpStatus.OK, "pong", "webhook reached autorunner");
    }
    if (!kind.equals("workflow_job")) {
      return answered(
          delivery,
          HttpStatus.OK,
          "ignored",
          "event '" + UntrustedText.printable(event) + "' is not used");
    }
    WorkflowJobEvent job;
    try {
      job = WorkflowJobEvent.parse(body);
    } catch (MalformedEventException e) {
      return answered(delivery, HttpStatus.BAD_REQUEST, "rejected", e.getMessage());
    }
    Route route = router.route(job);
    if (!route.hasTask()) {
      Answer answer =
          log(
              delivery,
              job,
              route,
              HttpStatus.OK,
              new WebhookAnswer(route.decision().wireName(), route.reason(), null));
      return new Routed(answer, job, route);
    }
    return new Routed(null, job, route);
  }

  /**
   * The body, or empty when it is over the limit. Holds at most one byte past the limit, so an
   * oversized body is never held whole; drops the rest of one up to {@link #MAX_DROPPED_BYTES}.
   */
  private static Optional<byte[]> readBounded(HttpExchange exchange) throws IOException {
    if (declaredLength(exchange.getRequestHeaders()) > MAX_DROPPED_BYTES) {
      return Optional.empty();
    }
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length <= MAX_BODY_BYTES) {
        return Optional.of(body);
      }
      // Read, not skip: on JDK 17 the body's skip() passes the end of the body into the socket.
      byte[] scratch = new byte[16 * 1024];
      long dropped = body.length;
      int read;
      while (dropped < MAX_DROPPED_BYTES && (read = in.read(scratch)) > 0) {
        dropped += read;
      }
      return Optional.empty();
    }
  }

  /** The body's length as the client declared it; -1 when it declared none (chunked). */
  private static long declaredLength(Headers headers) {
    String declared = headers.getFirst("Content-Length");
    if (declared == null) {
      return -1;
    }
    try {
      return Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      return Long.MAX_VALUE;
    }
  }

  private static Routed answered(
      Delivery delivery, HttpStatus status, String decision, String reason) {
    return new Routed(answer(delivery, status, decision, reason), null, null);
  }

  private static Answer answer(
      Delivery delivery, HttpStatus status, String decision, String reason) {
    DeliveryLog.answered(
        delivery.started(), delivery.id(), delivery.event(), status, decision, reason);
    return new Answer(status, WebhookAnswer.of(decision, reason));
  }

  private static Answer log(
      Delivery delivery,
      WorkflowJobEvent job,
      Route route,
      HttpStatus status,
      WebhookAnswer answer) {
    DeliveryLog.job(delivery.started(), delivery.id(), job, route, status, answer);
    return new Answer(status, answer);
  }
}
