package io.autorunner.testkit.github;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A snapshot of one repository the fake GitHub knows.
 *
 * @param id the repository id, as runner groups' {@code selected_repository_ids} name it
 * @param fullName {@code owner/name}
 * @param isPrivate private (true) or public
 * @param ownedByUser true when the owner is a user account, false for an organisation
 */
public record Repository(long id, String fullName, boolean isPrivate, boolean ownedByUser) {

  private static final Pattern FULL_NAME = Pattern.compile("[^/\\s]+/[^/\\s]+");

  public Repository {
    Objects.requireNonNull(fullName, "fullName");
    if (!FULL_NAME.matcher(fullName).matches()) {
      throw new IllegalArgumentException("repository must be owner/name: " + fullName);
    }
  }

  public String owner() {
    return fullName.substring(0, fullName.indexOf('/'));
  }

  public String name() {
    return fullName.substring(fullName.indexOf('/') + 1);
  }

  /** {@code Organization} or {@code User}, as GitHub spells the owner's {@code type}. */
  public String ownerType() {
    return ownedByUser ? "User" : "Organization";
  }
}
