package io.autorunner.testkit.github;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one workflow job (one attempt) in the fake GitHub.
 *
 * @param status queued, in_progress or completed
 * @param conclusion success, failure or cancelled once completed, else null
 * @param rerunOf the job id this attempt re-runs, or null for a first attempt
 */
public record Job(
    long id,
    long runId,
    int runAttempt,
    String repository,
    List<String> labels,
    String name,
    String status,
    String conclusion,
    Long runnerId,
    String runnerName,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Long rerunOf) {

  public boolean queued() {
    return "queued".equals(status);
  }

  public boolean completed() {
    return "completed".equals(status);
  }
}
