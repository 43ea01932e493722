package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** A workflow run as GitHub's REST API returns it, reduced to what autorunner reads. */
@JsonIgnoreProperties(ignoreUnknown = true)
record WorkflowRunJson(long id, @JsonProperty("run_attempt") Integer runAttempt) {

  /** One page of {@code GET /repos/.../actions/runs}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Page(@JsonProperty("workflow_runs") List<WorkflowRunJson> workflowRuns) {}
}
