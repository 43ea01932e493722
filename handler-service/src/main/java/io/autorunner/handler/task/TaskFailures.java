package io.autorunner.handler.task;

import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.ledger.LedgerUnavailableException;
import io.autorunner.handler.vm.ComputeException;
import java.util.function.Supplier;

/** How a task's failure becomes its answer: transient ones retry, permanent ones are refused. */
public final class TaskFailures {

  private TaskFailures() {}

  /** The one place failures become answers: transient ones retry, permanent ones are refused. */
  public static TaskOutcome typed(Supplier<TaskOutcome> work) {
    try {
      return work.get();
    } catch (ComputeException.Capacity e) {
      return TaskOutcome.retry("no capacity: " + e.getMessage());
    } catch (ComputeException.Transient | GitHubException.Transient e) {
      return TaskOutcome.retry(e.getMessage());
    } catch (LedgerUnavailableException e) {
      return TaskOutcome.retry("replacement ledger: " + e.getMessage());
    } catch (ComputeException.Permanent | GitHubException.Permanent e) {
      return TaskOutcome.refused(e.getMessage());
    }
  }
}
