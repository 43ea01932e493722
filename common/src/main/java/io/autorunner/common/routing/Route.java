package io.autorunner.common.routing;

import io.autorunner.common.task.RunnerTask;
import java.util.Objects;

/**
 * A routing outcome: a decision, the reason a person reads, and the task to enqueue when there is
 * one.
 */
public record Route(Decision decision, String reason, RunnerTask task) {

  public Route {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(reason, "reason");
    boolean taskDecision =
        decision != Decision.PONG
            && decision != Decision.IGNORED
            && decision != Decision.STARTED
            && decision != Decision.REFUSED;
    if ((task != null) != taskDecision) {
      throw new IllegalArgumentException("a task goes with exactly the task decisions");
    }
  }

  public static Route ignored(String reason) {
    return new Route(Decision.IGNORED, reason, null);
  }

  /** A job started on its own runner: no task. */
  public static Route started(String reason) {
    return new Route(Decision.STARTED, reason, null);
  }

  public static Route refused(String reason) {
    return new Route(Decision.REFUSED, reason, null);
  }

  public static Route enqueue(RunnerTask task, String reason) {
    return new Route(Decision.of(task.kind()), reason, task);
  }

  public boolean hasTask() {
    return task != null;
  }
}
