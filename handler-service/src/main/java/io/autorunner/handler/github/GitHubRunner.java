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

  /** When autorunner registered it, from its {@code autorunner-minted-<epoch seconds>} label. */
  public java.util.Optional<java.time.Instant> mintedAt() {
    return labels.stream()
        .filter(l -> l.startsWith("autorunner-minted-"))
        .map(l -> l.substring("autorunner-minted-".length()))
        .filter(s -> s.matches("[0-9]{1,12}"))
        .map(s -> java.time.Instant.ofEpochSecond(Long.parseLong(s)))
        .findFirst();
  }

  public boolean online() {
    return "online".equalsIgnoreCase(status);
  }
}
