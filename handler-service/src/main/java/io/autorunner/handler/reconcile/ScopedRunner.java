package io.autorunner.handler.reconcile;

import io.autorunner.common.task.RepositoryScope;
import io.autorunner.handler.github.GitHubRunner;

/** A runner of ours and the scope it was listed in, which is where it is deleted. */
public record ScopedRunner(GitHubRunner runner, RepositoryScope scope) {}
