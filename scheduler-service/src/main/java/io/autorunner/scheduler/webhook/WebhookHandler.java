package io.autorunner.scheduler.webhook;

import io.autorunner.common.event.MalformedEventException;
import io.autorunner.common.event.UntrustedText;
import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.common.routing.Route;
import io.autorunner.common.routing.WorkflowJobRouter;
import io.autorunner.common.signature.WebhookSignature;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.scheduler.queue.QueueUnavailableException;
import io.autorunner.scheduler.queue.RunnerQueue;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * GitHub's webhook endpoint. It must answer in well under GitHub's 10 s and never does slow work:
 * verify the signature, parse, route by the pure policy, enqueue a named task: one call to the
 * queue (a created VM's delayed check goes through {@link DelayedChecks}, off this path). GitHub
 * never redelivers a failed delivery on its own, so a queue outage answers 503 (visible in GitHub's
 * delivery log, where it can be redelivered) rather than pretending success.
 *
 * <p>A plain servlet ({@link WebhookServlets} registers it) that reads its three headers and writes
 * its small answer itself. The scheduler has no Spring MVC: its argument resolution, reflective
 * call and message conversion were a fifth of a delivery's CPU under the front-door benchmark
 * (perf, bench/frontdoor.sh), and its infrastructure about a third of the context's start-up. The
 * signature, parsing and routing pass the {@link CpuGate}, a few deliveries at a time; reading the
 * body, the queue's call and the answer are outside it.
 */
final class WebhookServlet extends HttpServlet {

  static final String PATH = "/webhook";

  /** GitHub caps payloads at 25 MB; a workflow_job is a few KB. Anything past 1 MiB is not ours. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  // A servlet is Serializable; this one is never serialized (an embedded Tomcat, no sessions).
  private final transient WebhookSignature signature;
  private final transient WorkflowJobRouter router;
  private final transient RunnerQueue queue;
  private final transient DelayedChecks checks;
  private final transient CpuGate cpu;

  WebhookServlet(
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
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!"POST".equals(request.getMethod())) {
      response.setHeader(HttpHeaders.ALLOW, "POST");
      response.sendError(HttpStatus.METHOD_NOT_ALLOWED.value());
      return;
    }
    Delivery delivery =
        new Delivery(
            System.nanoTime(),
            request.getHeader("X-GitHub-Event"),
            request.getHeader("X-GitHub-Delivery"),
            request.getHeader(WebhookSignature.HEADER));
    Answer answer = receive(delivery, request);
    byte[] body = answer.body().json();
    response.setStatus(answer.status().value());
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** An HTTP status and the JSON body that goes with it. */
  record Answer(HttpStatus status, WebhookAnswer body) {}

  /** What the headers say of a delivery, and when it arrived. */
  private record Delivery(long started, String event, String id, String signed) {}

  /** A job routed: either answered already ({@code answer}) or with a task to enqueue. */
  private record Routed(Answer answer, WorkflowJobEvent job, Route route) {}

  private Answer receive(Delivery delivery, HttpServletRequest request) throws IOException {
    Optional<byte[]> body = readBounded(request);
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
   * The body, or empty when it is over the limit. Reads at most one byte past the limit, so an
   * oversized body is never held whole.
   */
  private static Optional<byte[]> readBounded(HttpServletRequest request) throws IOException {
    if (request.getContentLengthLong() > MAX_BODY_BYTES) {
      return Optional.empty();
    }
    try (InputStream in = request.getInputStream()) {
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      return body.length > MAX_BODY_BYTES ? Optional.empty() : Optional.of(body);
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
