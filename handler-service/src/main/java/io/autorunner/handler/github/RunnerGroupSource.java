package io.autorunner.handler.github;

import io.autorunner.common.task.RepositoryScope;

/** Which runner group a job's JIT runner joins. */
@FunctionalInterface
public interface RunnerGroupSource {

  /**
   * The runner group id for the job's runner.
   *
   * @throws GitHubException.Permanent when no group may take the job's runner (say why)
   * @throws GitHubException.Transient when GitHub could not be asked
   */
  long groupFor(RepositoryScope scope);

  /** The same group for every job (tests, and setups whose group is managed by hand). */
  static RunnerGroupSource fixed(long runnerGroupId) {
    if (runnerGroupId < 1) {
      throw new IllegalArgumentException("runner group id must be positive");
    }
    return job -> runnerGroupId;
  }
}
