package io.autorunner.handler.vm;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the runners of a warm pool's VMs register: an organisation (its runners serve the
 * organisation's allow-listed repositories through its runner group), or one user-owned repository.
 * A pool VM has no job, so this is the scope its runner is minted, listed and removed in. Written
 * to the VM's metadata as {@code org:LOGIN} or {@code repo:OWNER/NAME}.
 *
 * @param organization the organisation, or empty for a repository scope
 * @param userRepository {@code owner/name} of a user-owned repository, or empty for an organisation
 */
public record PoolScope(Optional<String> organization, Optional<String> userRepository)
    implements RepositoryScope {

  private static final String ORG = "org:";
  private static final String REPO = "repo:";

  public PoolScope {
    Objects.requireNonNull(organization, "organization");
    Objects.requireNonNull(userRepository, "userRepository");
    if (organization.isPresent() == userRepository.isPresent()) {
      throw new IllegalArgumentException("a pool scope is an organisation or a repository");
    }
    organization.ifPresent(
        org -> {
          if (!JobRef.isLogin(org)) {
            throw new IllegalArgumentException("'" + org + "' is not a GitHub login");
          }
        });
    userRepository.ifPresent(
        repo -> {
          if (!JobRef.isRepository(repo)) {
            throw new IllegalArgumentException("'" + repo + "' is not owner/name");
          }
        });
  }

  /**
   * {@code LOGIN} (an organisation) or {@code OWNER/NAME} (a user-owned repository), also in the
   * {@code org:}/{@code repo:} form {@link #toString()} writes.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static PoolScope parse(String text) {
    Objects.requireNonNull(text, "scope");
    String value = text.strip();
    if (value.startsWith(ORG)) {
      return new PoolScope(Optional.of(value.substring(ORG.length())), Optional.empty());
    }
    if (value.startsWith(REPO)) {
      return new PoolScope(Optional.empty(), Optional.of(value.substring(REPO.length())));
    }
    return value.contains("/")
        ? new PoolScope(Optional.empty(), Optional.of(value))
        : new PoolScope(Optional.of(value), Optional.empty());
  }

  /**
   * For an organisation there is no one repository: this is {@code ORG/*}, of which only the owner
   * is ever read (runner calls go to the organisation).
   */
  @Override
  public String repository() {
    return userRepository.orElseGet(() -> organization.orElseThrow() + "/*");
  }

  @Override
  public Optional<String> owningOrganization() {
    return organization;
  }

  @Override
  public Optional<Long> installation() {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return organization
        .map(org -> ORG + org.toLowerCase(Locale.ROOT))
        .orElseGet(() -> REPO + userRepository.orElseThrow());
  }
}
