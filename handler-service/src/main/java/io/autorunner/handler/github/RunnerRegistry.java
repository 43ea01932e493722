package io.autorunner.handler.github;

import io.autorunner.common.task.RepositoryScope;
import java.util.List;
import java.util.Optional;

/**
 * The runners GitHub knows. Scope follows the repository: organisation runners when the repository
 * belongs to an organisation, repository runners when it belongs to a user. The jobs themselves are
 * {@link WorkflowJobs}'.
 */
public interface RunnerRegistry {

  /**
   * Registers a single-use runner and returns its JIT config. A runner of the same name left by an
   * earlier half-done attempt is removed first when it is not busy and was minted long enough ago
   * that no other attempt can still be booting with it.
   *
   * @throws GitHubException.Transient on 5xx, 429, secondary rate limits or timeouts, or when the
   *     name is held by a runner another attempt minted moments ago
   * @throws GitHubException.Permanent on what retrying cannot fix (no permission, bad request, or a
   *     busy runner holding the name)
   */
  JitRunner createJitRunner(RepositoryScope scope, String runnerName, List<String> labels);

  /** The runner of this name in the scope's organisation or repository, if registered. */
  Optional<GitHubRunner> findRunner(RepositoryScope scope, String runnerName);

  /**
   * Removes a runner.
   *
   * @return false when it was already gone
   */
  boolean deleteRunner(RepositoryScope scope, long runnerId);

  /** Every runner registered in the scope of {@code scope} (its organisation or repository). */
  List<GitHubRunner> listRunners(RepositoryScope scope);
}
