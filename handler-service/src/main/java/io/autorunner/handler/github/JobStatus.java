package io.autorunner.handler.github;

import java.util.Objects;
import java.util.Optional;

/**
 * A workflow job as GitHub reports it now.
 *
 * @param status queued, in progress, completed, waiting…
 * @param conclusion {@link JobConclusion#NONE} until completed
 * @param runnerName the runner that took it; empty until one did
 * @param name the job's name in its workflow (the same across re-run attempts), when GitHub says
 */
public record JobStatus(
    long id,
    JobState status,
    JobConclusion conclusion,
    Optional<String> runnerName,
    Optional<String> name) {

  public JobStatus {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(conclusion, "conclusion");
    Objects.requireNonNull(runnerName, "runnerName");
    Objects.requireNonNull(name, "name");
  }

  /**
   * A job as GitHub spells it: status and conclusion as text ({@code "completed"}, null…), runner
   * and name null when absent.
   */
  public JobStatus(long id, String status, String conclusion, String runnerName, String name) {
    this(
        id,
        JobState.parse(status),
        JobConclusion.parse(conclusion),
        Optional.ofNullable(runnerName),
        Optional.ofNullable(name));
  }

  public JobStatus(long id, String status, String conclusion, String runnerName) {
    this(id, status, conclusion, runnerName, null);
  }

  /** See {@link JobState#awaitingRunner()}. */
  public boolean awaitingRunner() {
    return status.awaitingRunner();
  }
}
