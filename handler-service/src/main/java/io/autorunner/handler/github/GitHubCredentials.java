package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import io.autorunner.handler.system.GitHubProperties;
import java.time.Clock;

/** Where the bearer token for a job's GitHub calls comes from. */
public interface GitHubCredentials {

  /**
   * A token allowed to manage the runners of the job's repository or organisation. A secret: never
   * log it.
   *
   * @throws GitHubException.Transient when minting one failed in a way a retry can fix
   * @throws GitHubException.Permanent when it cannot be had (the App is not installed there, the
   *     key is refused)
   */
  String token(JobRef job);

  /**
   * The App when {@code autorunner.github.app-id} is set, else the static token.
   *
   * @throws IllegalArgumentException when neither is configured, or the App has no usable key
   */
  static GitHubCredentials fromProperties(GitHubProperties properties, Clock clock) {
    if (properties.usesApp()) {
      if (properties.appPrivateKey() == null || properties.appPrivateKey().isBlank()) {
        throw new IllegalArgumentException(
            "autorunner.github.app-private-key is required with autorunner.github.app-id");
      }
      return new GitHubAppCredentials(
          properties.apiUrl(), properties.appId(), properties.appPrivateKey(), clock);
    }
    if (properties.token() != null && !properties.token().isBlank()) {
      return new StaticTokenCredentials(properties.token());
    }
    throw new IllegalArgumentException(
        "set autorunner.github.app-id and autorunner.github.app-private-key, or"
            + " autorunner.github.token");
  }
}
