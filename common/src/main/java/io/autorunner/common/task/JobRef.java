package io.autorunner.common.task;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which job a task is about, and whose: enough for the handler to reach the job and its runners on
 * GitHub.
 *
 * @param jobId the workflow job id
 * @param runId the workflow run id
 * @param runAttempt the run attempt (1 for a first run)
 * @param repository {@code owner/name}
 * @param organization the organisation login, or null when a user owns the repository
 * @param installationId the GitHub App installation, or null when unknown
 */
public record JobRef(
    long jobId,
    long runId,
    int runAttempt,
    String repository,
    String organization,
    Long installationId)
    implements RepositoryScope {

  // Owners may hold an underscore: Enterprise Managed Users' logins are handle_shortcode.
  private static final Pattern REPOSITORY =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})/[A-Za-z0-9._-]{1,100}");
  private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})");

  public JobRef {
    if (jobId <= 0 || runId <= 0 || runAttempt <= 0) {
      throw new IllegalArgumentException("job id, run id and run attempt must be positive");
    }
    Objects.requireNonNull(repository, "repository");
    if (!REPOSITORY.matcher(repository).matches()) {
      throw new IllegalArgumentException("repository must be owner/name");
    }
    if (organization != null && !LOGIN.matcher(organization).matches()) {
      throw new IllegalArgumentException("organization is not a GitHub login");
    }
  }

  @Override
  public Optional<String> owningOrganization() {
    return Optional.ofNullable(organization);
  }

  @Override
  public Optional<Long> installation() {
    return Optional.ofNullable(installationId);
  }

  /** The login that owns the repository (user or organisation). */
  @Override
  public String owner() {
    return repository.substring(0, repository.indexOf('/'));
  }

  /** True for {@code owner/name} as GitHub spells repositories. */
  public static boolean isRepository(String text) {
    return REPOSITORY.matcher(text).matches();
  }

  /** True for a GitHub login (user or organisation). */
  public static boolean isLogin(String text) {
    return LOGIN.matcher(text).matches();
  }

  /** The repository name without its owner. */
  public String repositoryName() {
    return repository.substring(repository.indexOf('/') + 1);
  }
}
