package io.autorunner.handler.github;

import java.util.List;

/**
 * A runner registered on GitHub.
 *
 * @param status {@code online} or {@code offline}
 * @param busy true while it runs a job
 */
public record GitHubRunner(long id, String name, String status, boolean busy, List<String> labels) {
  public GitHubRunner {
    labels = labels == null ? List.of() : List.copyOf(labels);
  }

  public boolean online() {
    return "online".equalsIgnoreCase(status);
  }
}
