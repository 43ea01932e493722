package io.autorunner.handler.github;

/**
 * What only a GitHub App can do: authenticate as the App itself (its installations, its webhook's
 * delivery log) and as any one of its installations. Both answers are secrets: never log them.
 */
public interface GitHubApp {

  /**
   * A fresh JWT signed with the App's key, for the {@code /app/...} endpoints.
   *
   * @throws GitHubException.Permanent when the key cannot sign
   */
  String jwt();

  /**
   * A token of one installation, cached until shortly before it expires.
   *
   * @throws GitHubException.Transient when minting failed in a way a retry can fix
   * @throws GitHubException.Permanent when the installation refuses (suspended, gone)
   */
  String installationToken(long installationId);
}
