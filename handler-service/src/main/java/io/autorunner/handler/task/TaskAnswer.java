package io.autorunner.handler.task;

import io.autorunner.common.logging.LogContext;
import io.autorunner.common.logging.LogFields;
import io.autorunner.common.logging.TraceContext;
import io.autorunner.common.task.RunnerTask;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;
import org.springframework.http.ResponseEntity;

/** A task's outcome as Cloud Tasks reads it (the status) and as people read it (one log line). */
public final class TaskAnswer {

  private static final Logger log = LoggerFactory.getLogger(TaskAnswer.class);

  private TaskAnswer() {}

  /**
   * Does the task with its fields in the MDC (every line logged meanwhile carries its kind as the
   * {@code trigger}, its job and repository), then answers it.
   */
  public static ResponseEntity<Map<String, String>> run(
      RunnerTask task, String taskName, String retries, Supplier<TaskOutcome> work) {
    try (TraceContext.Scope scope =
        LogContext.with(
            LogFields.TRIGGER, task.kind().path(),
            LogFields.TASK, task.kind().path(),
            LogFields.TASK_NAME, taskName == null ? task.taskId() : taskName,
            LogFields.JOB_ID, task.job().jobId(),
            LogFields.RUN_ID, task.job().runId(),
            LogFields.REPOSITORY, task.job().repository())) {
      return of(task, taskName, retries, work.get());
    }
  }

  /** The answer Cloud Tasks reads, and the one log line per task. */
  public static ResponseEntity<Map<String, String>> of(
      RunnerTask task, String taskName, String retries, TaskOutcome outcome) {
    String line = "{} job={} repo={} task={} retry={} → {} {}: {}";
    Object[] args = {
      task.kind().path(),
      task.job().jobId(),
      task.job().repository(),
      taskName == null ? task.taskId() : taskName,
      retries == null ? "0" : retries,
      outcome.status().value(),
      outcome.kind().wireName(),
      outcome.reason()
    };
    LoggingEventBuilder event =
        outcome.kind() == TaskOutcome.Kind.DONE ? log.atInfo() : log.atWarn();
    event
        .addKeyValue(LogFields.EVENT, LogFields.Events.TASK)
        .addKeyValue(LogFields.TASK, task.kind().path())
        .addKeyValue(LogFields.TASK_NAME, taskName == null ? task.taskId() : taskName)
        .addKeyValue(LogFields.JOB_ID, task.job().jobId())
        .addKeyValue(LogFields.RUN_ID, task.job().runId())
        .addKeyValue(LogFields.REPOSITORY, task.job().repository())
        .addKeyValue(LogFields.RETRY, retries == null ? 0 : parsedOrZero(retries))
        .addKeyValue(LogFields.STATUS, outcome.status().value())
        .addKeyValue(LogFields.OUTCOME, outcome.kind().wireName())
        .addKeyValue(LogFields.REASON, outcome.reason())
        .log(line, args);
    return ResponseEntity.status(outcome.status())
        .body(Map.of("outcome", outcome.kind().wireName(), "reason", outcome.reason()));
  }

  /** Cloud Tasks' retry count header; anything else counts as the first try. */
  private static int parsedOrZero(String retries) {
    try {
      return Integer.parseInt(retries.trim());
    } catch (NumberFormatException notANumber) {
      return 0;
    }
  }
}
