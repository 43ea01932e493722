package io.autorunner.handler.github;

import java.util.Objects;

/**
 * A repository a GitHub App installation can reach: what a sweep needs to look at it without having
 * kept any memory of it.
 *
 * @param fullName {@code owner/name}
 * @param organization the owning organisation's login, or null when a user owns it
 * @param installationId the installation whose token reaches it
 * @param isPrivate false for public repositories
 */
public record AccessibleRepository(
    String fullName, String organization, long installationId, boolean isPrivate) {

  public AccessibleRepository {
    Objects.requireNonNull(fullName, "fullName");
    if (fullName.indexOf('/') < 1) {
      throw new IllegalArgumentException("repository must be owner/name: " + fullName);
    }
  }

  /** The owner's login (organisation or user). */
  public String owner() {
    return fullName.substring(0, fullName.indexOf('/'));
  }
}
