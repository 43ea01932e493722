package io.autorunner.handler.github;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The body of {@code POST .../actions/runners/generate-jitconfig}. */
record JitConfigRequest(
    String name,
    @JsonProperty("runner_group_id") long runnerGroupId,
    List<String> labels,
    @JsonProperty("work_folder") String workFolder) {}
