package io.autorunner.testkit.github;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Mutable state of one job attempt; guarded by the fake's lock. */
final class JobState {
  final long id;
  final long runId;
  final int runAttempt;
  final String repository;

  /** The job's {@code runs-on} as the workflow writes it; a re-run evaluates it again. */
  final List<String> runsOn;

  /** Its {@code strategy.job-index}: its place in the run's matrix. */
  final int jobIndex;

  /** {@link #runsOn} evaluated for this attempt: the labels GitHub shows and matches runners by. */
  final List<String> labels;

  final String name;
  final Long rerunOf;
  final Instant createdAt = Instant.now();
  String status = "queued";
  String conclusion;
  Long runnerId;
  String runnerName;
  Long runnerGroupId;
  String runnerGroupName;
  Instant startedAt;

  /** A dispatch is scheduled for when its hand-over delay has passed. */
  boolean handOverDue;

  Instant completedAt;

  JobState(
      long id,
      long runId,
      int runAttempt,
      String repository,
      List<String> runsOn,
      int jobIndex,
      String name,
      Long rerunOf) {
    this.id = id;
    this.runId = runId;
    this.runAttempt = runAttempt;
    this.repository = repository;
    this.runsOn = List.copyOf(runsOn);
    this.jobIndex = jobIndex;
    this.labels = RunsOn.evaluate(runsOn, runId, runAttempt, jobIndex);
    this.name = name;
    this.rerunOf = rerunOf;
  }

  String owner() {
    return repository.substring(0, repository.indexOf('/'));
  }

  boolean queued() {
    return "queued".equals(status);
  }

  boolean completed() {
    return "completed".equals(status);
  }

  /** The latest moment something happened to this job. */
  Instant updatedAt() {
    return completedAt != null ? completedAt : startedAt != null ? startedAt : createdAt;
  }

  Job snapshot() {
    return new Job(
        id,
        runId,
        runAttempt,
        repository,
        labels,
        name,
        status,
        conclusion,
        runnerId,
        runnerName,
        createdAt,
        startedAt,
        completedAt,
        rerunOf);
  }

  /** The job as the REST API and the webhook's {@code workflow_job} show it. */
  Map<String, Object> json() {
    String api = "https://api.github.com/repos/" + repository;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", id);
    json.put("run_id", runId);
    json.put("workflow_name", "CI");
    json.put("head_branch", "main");
    json.put("run_url", api + "/actions/runs/" + runId);
    json.put("run_attempt", runAttempt);
    json.put("node_id", "CR_fake" + id);
    json.put("head_sha", String.format("%040x", id));
    json.put("url", api + "/actions/jobs/" + id);
    json.put(
        "html_url", "https://github.com/" + repository + "/actions/runs/" + runId + "/job/" + id);
    json.put("status", status);
    json.put("conclusion", conclusion);
    json.put("created_at", createdAt.toString());
    json.put("started_at", (startedAt != null ? startedAt : createdAt).toString());
    json.put("completed_at", completedAt == null ? null : completedAt.toString());
    json.put("name", name);
    json.put("steps", List.of());
    json.put("check_run_url", api + "/check-runs/" + id);
    json.put("labels", labels);
    json.put("runner_id", runnerId);
    json.put("runner_name", runnerName);
    json.put("runner_group_id", runnerGroupId);
    json.put("runner_group_name", runnerGroupName);
    return json;
  }
}
