package io.autorunner.common.task;

import java.util.Objects;
import java.util.Optional;

/**
 * A repository with no job in view: what the reconciler sweeps, and what an organisation-wide call
 * is made in the name of.
 *
 * @param repository {@code owner/name}
 * @param owningOrganization the organisation that owns it; empty when a user does
 * @param installation the GitHub App installation that reaches it, when known
 */
public record RepositoryRef(
    String repository, Optional<String> owningOrganization, Optional<Long> installation)
    implements RepositoryScope {

  public RepositoryRef {
    Objects.requireNonNull(repository, "repository");
    Objects.requireNonNull(owningOrganization, "owningOrganization");
    Objects.requireNonNull(installation, "installation");
    if (!JobRef.isRepository(repository)) {
      throw new IllegalArgumentException("repository must be owner/name");
    }
    if (owningOrganization.isPresent() && !JobRef.isLogin(owningOrganization.get())) {
      throw new IllegalArgumentException("organization is not a GitHub login");
    }
  }

  /** A repository known by name only (configured by hand). */
  public static RepositoryRef named(String repository) {
    return new RepositoryRef(repository, Optional.empty(), Optional.empty());
  }
}
