package io.autorunner.handler.github;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * A workflow job as GitHub reports it now.
 *
 * @param status queued, in progress, completed, waiting…
 * @param conclusion {@link JobConclusion#NONE} until completed
 * @param runnerName the runner that took it; empty until one did
 * @param name the job's name in its workflow (the same across re-run attempts), when GitHub says
 * @param workflowName the name of the job's workflow, when GitHub says
 * @param createdAt when GitHub queued the job, when it says (and readably)
 */
public record JobStatus(
    long id,
    JobState status,
    JobConclusion conclusion,
    Optional<String> runnerName,
    Optional<String> name,
    Optional<String> workflowName,
    Optional<Instant> createdAt) {

  public JobStatus {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(conclusion, "conclusion");
    Objects.requireNonNull(runnerName, "runnerName");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(workflowName, "workflowName");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** A job as GitHub spells it, with its workflow's name and its RFC 3339 creation time. */
  public JobStatus(
      long id,
      String status,
      String conclusion,
      String runnerName,
      String name,
      String workflowName,
      String createdAt) {
    this(
        id,
        JobState.parse(status),
        JobConclusion.parse(conclusion),
        Optional.ofNullable(runnerName),
        Optional.ofNullable(name),
        Optional.ofNullable(workflowName),
        instant(createdAt));
  }

  /**
   * A job as GitHub spells it: status and conclusion as text ({@code "completed"}, null…), runner
   * and name null when absent.
   */
  public JobStatus(long id, String status, String conclusion, String runnerName, String name) {
    this(id, status, conclusion, runnerName, name, null, null);
  }

  public JobStatus(long id, String status, String conclusion, String runnerName) {
    this(id, status, conclusion, runnerName, null);
  }

  private static Optional<Instant> instant(String rfc3339) {
    try {
      return rfc3339 == null ? Optional.empty() : Optional.of(Instant.parse(rfc3339));
    } catch (DateTimeParseException unreadable) {
      return Optional.empty();
    }
  }

  /** See {@link JobState#awaitingRunner()}. */
  public boolean awaitingRunner() {
    return status.awaitingRunner();
  }
}
