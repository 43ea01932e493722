package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.OptionalLong;

/** A runner as GitHub's REST API lists it. */
@JsonIgnoreProperties(ignoreUnknown = true)
record RunnerJson(
    long id,
    String name,
    String status,
    boolean busy,
    List<Label> labels,
    @JsonProperty("runner_group_id") Long runnerGroupId) {

  GitHubRunner toRunner() {
    List<String> names = labels == null ? List.of() : labels.stream().map(Label::name).toList();
    return new GitHubRunner(
        id,
        name,
        RunnerStatus.parse(status),
        busy,
        names,
        GitHubRunner.mintedAtIn(names),
        runnerGroupId == null ? OptionalLong.empty() : OptionalLong.of(runnerGroupId));
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Label(String name) {}

  /** One page of {@code GET .../actions/runners}. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record Page(@JsonProperty("total_count") Integer totalCount, List<RunnerJson> runners) {
    List<RunnerJson> runnersOrNone() {
      return runners == null ? List.of() : runners;
    }
  }
}
