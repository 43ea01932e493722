package io.autorunner.handler.github;

import io.autorunner.common.task.RepositoryScope;

/** One configured token ({@code autorunner.github.token}) for every job. */
public final class StaticTokenCredentials implements GitHubCredentials {

  private final String token;

  public StaticTokenCredentials(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("autorunner.github.token is empty");
    }
    this.token = token.strip();
  }

  @Override
  public String token(RepositoryScope scope) {
    return token;
  }

  @Override
  public String organizationToken(String organization) {
    return token;
  }

  @Override
  public String toString() {
    return "StaticTokenCredentials[token=<secret>]";
  }
}
