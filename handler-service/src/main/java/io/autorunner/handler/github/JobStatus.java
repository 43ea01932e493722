package io.autorunner.handler.github;

import java.util.Objects;

/**
 * A workflow job as GitHub reports it now.
 *
 * @param status queued, in progress, completed, waiting…
 * @param conclusion {@link JobConclusion#NONE} until completed
 * @param runnerName the runner that took it, or null
 * @param name the job's name in its workflow (the same across re-run attempts), or null
 */
public record JobStatus(
    long id, JobState status, JobConclusion conclusion, String runnerName, String name) {

  public JobStatus {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(conclusion, "conclusion");
  }

  /** A job from GitHub's spelling of its status and conclusion ({@code "completed"}, null…). */
  public JobStatus(long id, String status, String conclusion, String runnerName, String name) {
    this(id, JobState.parse(status), JobConclusion.parse(conclusion), runnerName, name);
  }

  public JobStatus(long id, String status, String conclusion, String runnerName) {
    this(id, status, conclusion, runnerName, null);
  }

  /** See {@link JobState#awaitingRunner()}. */
  public boolean awaitingRunner() {
    return status.awaitingRunner();
  }
}
