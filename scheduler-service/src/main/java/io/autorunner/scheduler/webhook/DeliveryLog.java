package io.autorunner.scheduler.webhook;

import io.autorunner.common.event.UntrustedText;
import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.common.logging.LogFields;
import io.autorunner.common.routing.Decision;
import io.autorunner.common.routing.Route;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.http.HttpStatus;

/**
 * The one line per delivery, as people read it, with the delivery's and the job's fields beside it
 * ({@link LogFields}) for Cloud Logging and the log-based metrics. Every value taken from the
 * delivery goes through {@link UntrustedText}; the logger is {@code WebhookHandler}'s.
 */
final class DeliveryLog {

  private static final Logger log = LoggerFactory.getLogger(WebhookHandler.class);

  private DeliveryLog() {}

  /** A delivery answered before it was read as a job (refused, a ping, another event). */
  static void answered(
      long started,
      String delivery,
      String event,
      HttpStatus status,
      String decision,
      String reason) {
    log.atInfo()
        .addKeyValue(LogFields.EVENT, LogFields.Events.DELIVERY)
        .addKeyValue(LogFields.DELIVERY, UntrustedText.printable(delivery))
        .addKeyValue(LogFields.GITHUB_EVENT, UntrustedText.printable(event))
        .addKeyValue(LogFields.STATUS, status.value())
        .addKeyValue(LogFields.DECISION, decision)
        .addKeyValue(LogFields.REASON, reason)
        .addKeyValue(LogFields.LATENCY_MS, millisSince(started))
        .log(
            "delivery={} event={} status={} decision={} reason={}",
            UntrustedText.printable(delivery),
            UntrustedText.printable(event),
            status.value(),
            decision,
            reason);
  }

  /**
   * The delivery's line, with the job's fields beside it for Cloud Logging; a job that started on
   * one of our runners says how long it queued.
   */
  static void job(
      long started,
      String delivery,
      WorkflowJobEvent job,
      Route route,
      HttpStatus status,
      WebhookAnswer answer) {
    WorkflowJobEvent.WorkflowJob workflowJob = job.workflowJob();
    LoggingEventBuilder line =
        (route.decision() == Decision.IGNORED ? log.atDebug() : log.atInfo())
            .addKeyValue(LogFields.EVENT, LogFields.Events.DELIVERY)
            .addKeyValue(LogFields.DELIVERY, UntrustedText.printable(delivery))
            .addKeyValue(LogFields.GITHUB_EVENT, "workflow_job")
            .addKeyValue(LogFields.ACTION, UntrustedText.printable(job.action()))
            .addKeyValue(LogFields.JOB_ID, workflowJob.id())
            .addKeyValue(LogFields.RUN_ID, workflowJob.runId())
            .addKeyValue(LogFields.REPOSITORY, UntrustedText.printable(job.repository().fullName()))
            .addKeyValue(LogFields.STATUS, status.value())
            .addKeyValue(LogFields.DECISION, answer.decision())
            .addKeyValue(LogFields.REASON, answer.reason())
            .addKeyValue(LogFields.LATENCY_MS, millisSince(started));
    if (workflowJob.workflowName() != null) {
      line = line.addKeyValue(LogFields.WORKFLOW, quotedName(workflowJob.workflowName()));
    }
    if (workflowJob.name() != null) {
      line = line.addKeyValue(LogFields.JOB_NAME, quotedName(workflowJob.name()));
    }
    if (answer.task() != null) {
      line = line.addKeyValue(LogFields.TASK, answer.task());
    }
    if (workflowJob.hasRunner()) {
      line = line.addKeyValue(LogFields.RUNNER, UntrustedText.printable(workflowJob.runnerName()));
    }
    if (route.decision() == Decision.STARTED || route.decision() == Decision.CHECK_RUNNER) {
      Optional<Duration> queued = workflowJob.queuedToStart();
      if (queued.isPresent()) {
        line = line.addKeyValue(LogFields.QUEUED_TO_START_S, queued.get().toMillis() / 1000.0);
      }
    }
    line.log(
        "delivery={} action={} job={} repo={} status={} decision={} reason={} task={}",
        UntrustedText.printable(delivery),
        UntrustedText.printable(job.action()),
        workflowJob.id(),
        UntrustedText.printable(job.repository().fullName()),
        status.value(),
        answer.decision(),
        answer.reason(),
        answer.task());
  }

  /** A workflow's or job's name: spaces and brackets are common there, and JSON quotes them. */
  private static String quotedName(String name) {
    return UntrustedText.printable(name, UntrustedText.Alphabet.ASCII, UntrustedText.MAX);
  }

  private static double millisSince(long started) {
    return Math.round((System.nanoTime() - started) / 10_000.0) / 100.0;
  }
}
