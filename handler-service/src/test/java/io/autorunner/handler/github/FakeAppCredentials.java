package io.autorunner.handler.github;

import io.autorunner.common.task.RepositoryScope;
import java.util.Optional;
import java.util.Set;

/**
 * App credentials without a key or a token exchange: the JWT is {@value #JWT}, installation N's
 * token {@code ghs_N}, and an organisation's token {@code ghs_org_LOGIN}. The exchange itself is
 * {@link GitHubAppCredentialsTest}'s business.
 */
final class FakeAppCredentials implements GitHubCredentials, GitHubApp {

  static final String JWT = "app-jwt";

  private final Set<Long> refusedInstallations;

  FakeAppCredentials(Long... refusedInstallations) {
    this.refusedInstallations = Set.of(refusedInstallations);
  }

  @Override
  public String token(RepositoryScope scope) {
    return scope
        .installation()
        .map(this::installationToken)
        .orElseGet(() -> organizationToken(scope.owner()));
  }

  @Override
  public String organizationToken(String organization) {
    return "ghs_org_" + organization;
  }

  @Override
  public Optional<GitHubApp> app() {
    return Optional.of(this);
  }

  @Override
  public String jwt() {
    return JWT;
  }

  @Override
  public String installationToken(long installationId) {
    if (refusedInstallations.contains(installationId)) {
      throw new GitHubException.Permanent(
          "create an installation token for installation " + installationId + ": HTTP 403", null);
    }
    return "ghs_" + installationId;
  }
}
