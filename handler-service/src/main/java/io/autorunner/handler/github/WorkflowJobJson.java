package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import java.time.Instant;
import java.util.List;

/** A workflow job as GitHub's REST API returns it, alone or in a run's job listing. */
@JsonIgnoreProperties(ignoreUnknown = true)
record WorkflowJobJson(
    long id,
    @JsonProperty("run_attempt") Integer runAttempt,
    String status,
    String conclusion,
    @JsonProperty("runner_name") String runnerName,
    String name,
    @JsonProperty("workflow_name") String workflowName,
    List<String> labels,
    @JsonProperty("created_at") String createdAt) {

  JobStatus toStatus() {
    return new JobStatus(id, status, conclusion, runnerName, name, workflowName, createdAt);
  }

  JobState state() {
    return JobState.parse(status);
  }

  /** This job of run {@code runId} in {@code repository}. */
  QueuedJob toQueuedJob(RepositoryScope repository, long runId) {
    return new QueuedJob(
        new JobRef(
            id,
            runId,
            runAttempt == null ? 1 : runAttempt,
            repository.repository(),
            repository.owningOrganization().orElse(null),
            repository.installation().orElse(null)),
        labels == null ? List.of() : labels,
        createdAt == null ? Instant.EPOCH : Instant.parse(createdAt));
  }

  /** The jobs of a run, or of one attempt of it. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Page(List<WorkflowJobJson> jobs) {
    List<WorkflowJobJson> jobsOrNone() {
      return jobs == null ? List.of() : jobs;
    }
  }
}
