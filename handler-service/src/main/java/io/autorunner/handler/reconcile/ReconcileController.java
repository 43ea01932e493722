package io.autorunner.handler.reconcile;

import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.task.TaskAnswer;
import io.autorunner.handler.vm.ComputeException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /tasks/reconcile}, called every few minutes by Cloud Scheduler with the invoker's
 * OIDC token (the caller filter guards it like every task). Failures on single VMs are reported in
 * the answer; only a failure to see the VMs at all answers 503.
 */
@RestController
class ReconcileController {

  private static final Logger log = LoggerFactory.getLogger(ReconcileController.class);

  private final Reconciler reconciler;

  ReconcileController(Reconciler reconciler) {
    this.reconciler = reconciler;
  }

  /** A job started on a runner made for another job: replace that job's VM if it still queues. */
  @PostMapping("/tasks/check-runner")
  ResponseEntity<Map<String, String>> checkRunner(
      @RequestBody RunnerTask.CheckRunner task,
      @RequestHeader(value = "X-CloudTasks-TaskName", required = false) String taskName,
      @RequestHeader(value = "X-CloudTasks-TaskRetryCount", required = false) String retries) {
    return TaskAnswer.run(task, taskName, retries, () -> reconciler.replaceIfTaken(task));
  }

  @PostMapping("/tasks/reconcile")
  ResponseEntity<Object> reconcile() {
    try {
      return ResponseEntity.ok(reconciler.reconcile());
    } catch (ComputeException e) {
      log.warn("reconcile could not list VMs: {}", e.getMessage());
      return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
          .body(Map.of("error", "cannot list VMs: " + e.getMessage()));
    }
  }
}
