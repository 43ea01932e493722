package io.autorunner.common.task;

import java.util.Optional;

/**
 * A repository as GitHub scopes runners and credentials by it: the repository itself, the
 * organisation that owns it (whose runners serve it), and the App installation that reaches it. A
 * job is one ({@link JobRef}); a repository the sweep reads is another ({@link RepositoryRef}).
 */
public interface RepositoryScope {

  /** {@code owner/name}. */
  String repository();

  /** The organisation that owns the repository; empty when a user does. */
  Optional<String> owningOrganization();

  /** The GitHub App installation that reaches it, when known. */
  Optional<Long> installation();

  /** The login that owns the repository (user or organisation). */
  default String owner() {
    String repository = repository();
    return repository.substring(0, repository.indexOf('/'));
  }
}
