package io.autorunner.handler.task;

import io.autorunner.common.task.RunnerTask;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;

/** A task's outcome as Cloud Tasks reads it (the status) and as people read it (one log line). */
public final class TaskAnswer {

  private static final Logger log = LoggerFactory.getLogger(TaskAnswer.class);

  private TaskAnswer() {}

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
    switch (outcome.kind()) {
      case DONE -> log.info(line, args);
      case REFUSED -> log.warn(line, args);
      case RETRY, AT_CAPACITY -> log.warn(line, args);
    }
    return ResponseEntity.status(outcome.status())
        .body(Map.of("outcome", outcome.kind().wireName(), "reason", outcome.reason()));
  }
}
