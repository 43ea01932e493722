package io.autorunner.handler.github;

import io.autorunner.common.task.RepositoryScope;
import java.util.Optional;

/** Where the bearer token for GitHub calls in a repository's name comes from. */
public interface GitHubCredentials {

  /**
   * A token allowed to manage the runners of the repository or its organisation. A secret: never
   * log it.
   *
   * @throws GitHubException.Transient when minting one failed in a way a retry can fix
   * @throws GitHubException.Permanent when it cannot be had (the App is not installed there, the
   *     key is refused)
   */
  String token(RepositoryScope scope);

  /**
   * A token for an organisation's own endpoints (its runner groups, its repositories), with no
   * repository at hand.
   */
  String organizationToken(String organization);

  /** The GitHub App behind these credentials; empty with a static token. */
  default Optional<GitHubApp> app() {
    return Optional.empty();
  }
}
