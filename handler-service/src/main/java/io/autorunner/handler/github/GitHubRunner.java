package io.autorunner.handler.github;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A runner registered on GitHub.
 *
 * @param status online or offline
 * @param busy true while it runs a job
 * @param labels the labels it was registered with for its job, without the minted label
 * @param mintedAt when autorunner registered it (from its {@code autorunner-minted-<epoch>} label);
 *     empty for runners registered before that label existed, or by someone else
 * @param runnerGroupId the runner group it belongs to, when GitHub said
 */
public record GitHubRunner(
    long id,
    String name,
    RunnerStatus status,
    boolean busy,
    List<String> labels,
    Optional<Instant> mintedAt,
    OptionalLong runnerGroupId) {

  public GitHubRunner {
    Objects.requireNonNull(status, "status");
    labels = labels == null ? List.of() : labels.stream().filter(l -> !MintedLabel.is(l)).toList();
    mintedAt = mintedAt == null ? Optional.empty() : mintedAt;
    runnerGroupId = runnerGroupId == null ? OptionalLong.empty() : runnerGroupId;
  }

  /**
   * A runner from all its labels as GitHub lists them: the minted label, if any, becomes {@link
   * #mintedAt()} and leaves {@link #labels()}.
   */
  public GitHubRunner(long id, String name, String status, boolean busy, List<String> labels) {
    this(
        id,
        name,
        RunnerStatus.parse(status),
        busy,
        labels,
        mintedAtIn(labels),
        OptionalLong.empty());
  }

  public boolean online() {
    return status == RunnerStatus.ONLINE;
  }

  static Optional<Instant> mintedAtIn(List<String> labels) {
    if (labels == null) {
      return Optional.empty();
    }
    return labels.stream().map(MintedLabel::parse).flatMap(Optional::stream).findFirst();
  }
}
