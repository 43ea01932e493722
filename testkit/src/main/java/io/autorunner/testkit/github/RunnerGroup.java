package io.autorunner.testkit.github;

import java.util.Set;

/**
 * A snapshot of one organisation runner group in the fake GitHub.
 *
 * @param visibility {@code all}, {@code selected} or {@code private}
 * @param selectedRepositoryIds the repositories a {@code selected} group admits
 * @param allowsPublicRepositories whether public repositories may use the group at all
 */
public record RunnerGroup(
    long id,
    String organization,
    String name,
    String visibility,
    boolean isDefault,
    boolean allowsPublicRepositories,
    Set<Long> selectedRepositoryIds) {

  public RunnerGroup {
    selectedRepositoryIds = Set.copyOf(selectedRepositoryIds);
  }

  /**
   * GitHub's rule: a repository of the group's organisation may use the group when its visibility
   * admits it ({@code all}: any; {@code selected}: the selected ids; {@code private}: private ones
   * only) and, for a public repository, only when the group allows public repositories.
   */
  public boolean admits(Repository repository) {
    if (repository.ownedByUser() || !repository.owner().equalsIgnoreCase(organization)) {
      return false;
    }
    if (!repository.isPrivate() && !allowsPublicRepositories) {
      return false;
    }
    return switch (visibility) {
      case "all" -> true;
      case "selected" -> selectedRepositoryIds.contains(repository.id());
      case "private" -> repository.isPrivate();
      default -> false;
    };
  }
}
