package io.autorunner.handler.task;

import io.autorunner.common.task.RunnerTask;
import java.util.Map;
import org.springframework.http.ResponseEntity;
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
    return TaskAnswer.run(task, taskName, retries, () -> lifecycle.create(task));
  }

  @PostMapping("/tasks/delete-runner")
  ResponseEntity<Map<String, String>> delete(
      @RequestBody RunnerTask.DeleteRunner task,
      @RequestHeader(value = TASK_NAME, required = false) String taskName,
      @RequestHeader(value = RETRY_COUNT, required = false) String retries) {
    return TaskAnswer.run(task, taskName, retries, () -> lifecycle.delete(task));
  }

  @PostMapping("/tasks/release-runner")
  ResponseEntity<Map<String, String>> release(
      @RequestBody RunnerTask.ReleaseRunner task,
      @RequestHeader(value = TASK_NAME, required = false) String taskName,
      @RequestHeader(value = RETRY_COUNT, required = false) String retries) {
    return TaskAnswer.run(task, taskName, retries, () -> lifecycle.release(task));
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
}
