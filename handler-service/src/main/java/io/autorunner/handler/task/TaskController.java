package io.autorunner.handler.task;

import io.autorunner.common.task.RunnerTask;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The endpoints Cloud Tasks calls (after {@code TaskCallerFilter} checked who calls). The answer
 * tells Cloud Tasks the truth: 2xx ends the task, 429/503 retries it.
 */
@RestController
class TaskController {

  private static final Logger log = LoggerFactory.getLogger(TaskController.class);
  private static final String TASK_NAME = "X-CloudTasks-TaskName";
  private static final String RETRY_COUNT = "X-CloudTasks-TaskRetryCount";

  private final RunnerLifecycle lifecycle;
  private final LifecycleCounters counters;

  TaskController(RunnerLifecycle lifecycle, LifecycleCounters counters) {
    this.lifecycle = lifecycle;
    this.counters = counters;
  }

  @PostMapping("/tasks/create-runner")
  ResponseEntity<Map<String, String>> create(
      @RequestBody RunnerTask.CreateRunner task,
      @RequestHeader(value = TASK_NAME, required = false) String taskName,
      @RequestHeader(value = RETRY_COUNT, required = false) String retries) {
    return answer(task, taskName, retries, lifecycle.create(task));
  }

  @PostMapping("/tasks/delete-runner")
  ResponseEntity<Map<String, String>> delete(
      @RequestBody RunnerTask.DeleteRunner task,
      @RequestHeader(value = TASK_NAME, required = false) String taskName,
      @RequestHeader(value = RETRY_COUNT, required = false) String retries) {
    return answer(task, taskName, retries, lifecycle.delete(task));
  }

  @PostMapping("/tasks/release-runner")
  ResponseEntity<Map<String, String>> release(
      @RequestBody RunnerTask.ReleaseRunner task,
      @RequestHeader(value = TASK_NAME, required = false) String taskName,
      @RequestHeader(value = RETRY_COUNT, required = false) String retries) {
    return answer(task, taskName, retries, lifecycle.release(task));
  }

  /** What this instance did since it started: VMs made and deleted, preemptions, re-runs. */
  @GetMapping("/stats")
  Map<String, Long> stats() {
    return counters.snapshot();
  }

  @GetMapping("/healthz")
  ResponseEntity<String> healthz() {
    return ResponseEntity.ok("ok");
  }

  /**
   * A body that is not a task will not become one by retrying: end the task, loudly. Only a
   * scheduler of another version could send one.
   */
  @ExceptionHandler(HttpMessageNotReadableException.class)
  ResponseEntity<Map<String, String>> unreadable(HttpMessageNotReadableException e) {
    String reason = "task body is not a valid task: " + e.getMostSpecificCause().getMessage();
    log.error("refused: {}", reason);
    return ResponseEntity.status(HttpStatus.OK)
        .body(Map.of("outcome", "refused", "reason", reason));
  }

  private static ResponseEntity<Map<String, String>> answer(
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
