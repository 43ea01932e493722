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
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * GitHub's webhook endpoint. It must answer in well under GitHub's 10 s and never does slow work:
 * verify the signature, parse, route by the pure policy, enqueue a named task: one call to the
 * queue (a created VM's delayed check goes through {@link DelayedChecks}, off this path). GitHub
 * never redelivers a failed delivery on its own, so a queue outage answers 503 (visible in GitHub's
 * delivery log, where it can be redelivered) rather than pretending success.
 *
 * <p>{@code POST /webhook} is a plain {@link HttpRequestHandler} ({@link WebhookMapping} maps it
 * ahead of the annotated mappings) that reads its three headers and writes its small answer itself:
 * Spring MVC's argument resolution, reflective call and message conversion were a fifth of a
 * delivery's CPU under the front-door benchmark (perf, bench/frontdoor.sh). {@code /healthz} stays
 * an ordinary mapping.
 */
@RestController
class WebhookController implements HttpRequestHandler {

  static final String PATH = "/webhook";

  /** GitHub caps payloads at 25 MB; a workflow_job is a few KB. Anything past 1 MiB is not ours. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  private final WebhookSignature signature;
  private final WorkflowJobRouter router;
  private final RunnerQueue queue;
  private final DelayedChecks checks;

  WebhookController(
      WebhookSignature signature,
      WorkflowJobRouter router,
      RunnerQueue queue,
      DelayedChecks checks) {
    this.signature = signature;
    this.router = router;
    this.queue = queue;
    this.checks = checks;
  }

  @Override
  public void handleRequest(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (!"POST".equals(request.getMethod())) {
      response.setHeader(HttpHeaders.ALLOW, "POST");
      response.sendError(HttpStatus.METHOD_NOT_ALLOWED.value());
      return;
    }
    Answer answer =
        receive(
            request.getHeader("X-GitHub-Event"),
            request.getHeader("X-GitHub-Delivery"),
            request.getHeader(WebhookSignature.HEADER),
            request);
    byte[] body = answer.body().json();
    response.setStatus(answer.status().value());
    response.setContentType(MediaType.APPLICATION_JSON_VALUE);
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  /** An HTTP status and the JSON body that goes with it. */
  record Answer(HttpStatus status, WebhookAnswer body) {}

  private Answer receive(String event, String delivery, String signed, HttpServletRequest request)
      throws IOException {
    long started = System.nanoTime();
    Optional<byte[]> bounded = readBounded(request);
    if (bounded.isEmpty()) {
      return answer(
          started, delivery, event, HttpStatus.CONTENT_TOO_LARGE, "rejected", "body over 1 MiB");
    }
    byte[] body = bounded.get();
    if (!signature.verify(body, signed)) {
      return answer(
          started,
          delivery,
          event,
          HttpStatus.UNAUTHORIZED,
          "rejected",
          signed == null ? "X-Hub-Signature-256 missing" : "signature does not match");
    }
    String kind = event == null ? "" : event.trim().toLowerCase(Locale.ROOT);
    if (kind.equals("ping")) {
      return answer(started, delivery, event, HttpStatus.OK, "pong", "webhook reached autorunner");
    }
    if (!kind.equals("workflow_job")) {
      return answer(
          started,
          delivery,
          event,
          HttpStatus.OK,
          "ignored",
          "event '" + UntrustedText.printable(event) + "' is not used");
    }
    WorkflowJobEvent job;
    try {
      job = WorkflowJobEvent.parse(body);
    } catch (MalformedEventException e) {
      return answer(started, delivery, event, HttpStatus.BAD_REQUEST, "rejected", e.getMessage());
    }
    Route route = router.route(job);
    if (!route.hasTask()) {
      HttpStatus status = HttpStatus.OK;
      return log(
          started,
          delivery,
          job,
          route,
          status,
          new WebhookAnswer(route.decision().wireName(), route.reason(), null));
    }
    RunnerQueue.Enqueued enqueued;
    try {
      enqueued = queue.enqueue(route.task());
    } catch (QueueUnavailableException e) {
      return log(
          started,
          delivery,
          job,
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
        started,
        delivery,
        job,
        route,
        HttpStatus.ACCEPTED,
        new WebhookAnswer(route.decision().wireName(), reason, enqueued.name()));
  }

  @GetMapping("/healthz")
  ResponseEntity<String> healthz() {
    return ResponseEntity.ok("ok");
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

  private static Answer answer(
      long started,
      String delivery,
      String event,
      HttpStatus status,
      String decision,
      String reason) {
    DeliveryLog.answered(started, delivery, event, status, decision, reason);
    return new Answer(status, WebhookAnswer.of(decision, reason));
  }

  private static Answer log(
      long started,
      String delivery,
      WorkflowJobEvent job,
      Route route,
      HttpStatus status,
      WebhookAnswer answer) {
    DeliveryLog.job(started, delivery, job, route, status, answer);
    return new Answer(status, answer);
  }
}
