package io.autorunner.handler.task;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.vm.Machine;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether a delivery about runner {@code name} is about our runner of that name. Any repository
 * admin in the organisation can register a runner called like ours; its job finishing must not
 * delete our VM mid-job. Ours is the runner whose id the VM carries, in the VM's job's scope.
 */
public final class RunnerOwnership {

  private RunnerOwnership() {}

  /**
   * Why the delivery's runner is not the one behind {@code vm}, or empty when it is (or when an
   * older delivery carries no runner id and the scope matches). A VM records its runner when it is
   * handed one, so a VM that records none has run nothing: a runner of its name is someone else's.
   */
  public static Optional<String> notOurs(Machine vm, JobRef delivered, Long deliveredRunnerId) {
    OptionalLong recorded = vm.runnerId();
    if (deliveredRunnerId != null && recorded.isEmpty()) {
      return Optional.of(
          "VM "
              + vm.name()
              + " has not been handed a runner; runner "
              + deliveredRunnerId
              + " of that name is not ours");
    }
    if (deliveredRunnerId != null
        && recorded.isPresent()
        && recorded.getAsLong() != deliveredRunnerId) {
      return Optional.of(
          "runner "
              + deliveredRunnerId
              + " is not runner "
              + recorded.getAsLong()
              + " registered for VM "
              + vm.name());
    }
    Optional<String> vmScope = vm.runnerScope().map(RunnerOwnership::scope);
    if (vmScope.isPresent() && !vmScope.get().equals(scope(delivered))) {
      return Optional.of(
          "the delivery's runner lives in "
              + scope(delivered)
              + ", VM "
              + vm.name()
              + "'s runner in "
              + vmScope.get());
    }
    return Optional.empty();
  }

  /**
   * Why a registered runner is not the delivery's, or empty when the ids agree (or are unknown).
   */
  static Optional<String> notOurs(GitHubRunner runner, Long deliveredRunnerId) {
    return deliveredRunnerId != null && runner.id() != deliveredRunnerId
        ? Optional.of(
            "runner " + deliveredRunnerId + " is not runner " + runner.id() + " of that name")
        : Optional.empty();
  }

  /** Organisation runners serve the organisation; a user's runners serve one repository. */
  public static String scope(RepositoryScope scope) {
    return scope
        .owningOrganization()
        .map(org -> "org:" + org.toLowerCase(Locale.ROOT))
        .orElseGet(() -> "repo:" + scope.repository().toLowerCase(Locale.ROOT));
  }
}
