package io.autorunner.handler.github;

import io.autorunner.common.task.RepositoryScope;
import java.net.URI;

/**
 * Where a job's calls go: runner endpoints under its organisation when it has one, else under its
 * repository; run and job endpoints always under its repository.
 */
final class JobUris {

  private final GitHubHttp http;

  JobUris(GitHubHttp http) {
    this.http = http;
  }

  /** {@code path} under the job's runner scope: the organisation's, else the repository's. */
  URI runners(RepositoryScope scope, String path, Object... more) {
    if (scope.owningOrganization().isPresent()) {
      return http.uri("/orgs/{org}" + path, prepend(more, scope.owningOrganization().get()));
    }
    return repository(scope, path, more);
  }

  /** {@code path} under the job's repository. */
  URI repository(RepositoryScope scope, String path, Object... more) {
    String repository = scope.repository();
    return http.uri(
        "/repos/{owner}/{repo}" + path,
        prepend(more, scope.owner(), repository.substring(repository.indexOf('/') + 1)));
  }

  private static Object[] prepend(Object[] more, Object... first) {
    Object[] all = new Object[first.length + more.length];
    System.arraycopy(first, 0, all, 0, first.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
