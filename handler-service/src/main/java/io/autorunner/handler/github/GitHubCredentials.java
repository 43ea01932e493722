package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import java.util.Optional;

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
   * A token for an organisation's own endpoints (its runner groups, its repositories), without a
   * job at hand. The real credentials override this; the default asks {@link #token(JobRef)} for a
   * stand-in job of the organisation, which is all a job-agnostic implementation needs.
   */
  default String organizationToken(String organization) {
    return token(new JobRef(1, 1, 1, organization + "/.github", organization, null));
  }

  /** The GitHub App behind these credentials; empty with a static token. */
  default Optional<GitHubApp> app() {
    return Optional.empty();
  }
}
