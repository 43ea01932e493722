package io.autorunner.testkit.github;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Workflow runs as GitHub shows them, derived from the fake's jobs: a run is the jobs sharing a run
 * id, its {@code run_attempt} is the latest attempt, and its status follows the jobs that attempt
 * runs. Served by {@link WorkflowRunEndpoints}. Callers hold the fake's lock.
 */
final class WorkflowRuns {

  /** GitHub's answer to a re-run while the run's latest attempt is not completed. */
  static final String ALREADY_RUNNING = "This workflow is already running";

  private final ActionsState state;
  private final Repositories repositories;

  WorkflowRuns(ActionsState state, Repositories repositories) {
    this.state = state;
    this.repositories = repositories;
  }

  /**
   * Why {@code job} cannot be re-run now, or null: GitHub refuses while the run's latest attempt is
   * not completed. A job of an older attempt may be re-run once the newer one completed: that makes
   * yet another attempt.
   */
  String refusal(JobState job) {
    synchronized (state.lock) {
      return "completed".equals(status(latestAttemptJobs(job.runId))) ? null : ALREADY_RUNNING;
    }
  }

  /** The run ids of a repository, newest first (run ids grow with time). */
  List<Long> runIds(String repository) {
    TreeMap<Long, Boolean> ids = new TreeMap<>(Comparator.reverseOrder());
    for (JobState job : state.jobs.values()) {
      if (job.repository.equalsIgnoreCase(repository)) {
        ids.put(job.runId, true);
      }
    }
    return List.copyOf(ids.keySet());
  }

  private List<JobState> jobsOfRun(long runId) {
    return state.jobs.values().stream().filter(j -> j.runId == runId).toList();
  }

  private List<JobState> latestAttemptJobs(long runId) {
    List<JobState> run = jobsOfRun(runId);
    int latest = run.stream().mapToInt(j -> j.runAttempt).max().orElse(1);
    return run.stream().filter(j -> j.runAttempt == latest).toList();
  }

  /** Queued while all the jobs queue, completed once all completed, in progress in between. */
  private static String status(List<JobState> attemptJobs) {
    if (attemptJobs.stream().allMatch(JobState::queued)) {
      return "queued";
    }
    return attemptJobs.stream().allMatch(JobState::completed) ? "completed" : "in_progress";
  }

  /**
   * A completed run's conclusion over the latest result of each job (a job not re-run keeps the
   * result of its last attempt): failure before cancelled before success.
   */
  private String conclusion(long runId) {
    Map<String, JobState> latestByName = new LinkedHashMap<>();
    for (JobState job : jobsOfRun(runId)) {
      JobState seen = latestByName.get(job.name);
      if (seen == null || seen.runAttempt < job.runAttempt) {
        latestByName.put(job.name, job);
      }
    }
    List<String> results = latestByName.values().stream().map(j -> j.conclusion).toList();
    if (results.contains("failure")) {
      return "failure";
    }
    return results.contains("cancelled") ? "cancelled" : "success";
  }

  Map<String, Object> json(long runId) {
    List<JobState> run = jobsOfRun(runId);
    List<JobState> latest = latestAttemptJobs(runId);
    JobState first = run.get(0);
    int attempt = latest.get(0).runAttempt;
    String status = status(latest);
    Instant created =
        run.stream().map(j -> j.createdAt).min(Comparator.naturalOrder()).orElseThrow();
    Instant updated =
        run.stream().map(JobState::updatedAt).max(Comparator.naturalOrder()).orElseThrow();
    Instant started =
        latest.stream().map(j -> j.createdAt).min(Comparator.naturalOrder()).orElseThrow();
    String api = "https://api.github.com/repos/" + first.repository + "/actions/runs/" + runId;
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", runId);
    json.put("name", "CI");
    json.put("node_id", "WFR_fake" + runId);
    json.put("head_branch", "main");
    json.put("head_sha", String.format("%040x", runId));
    json.put("path", ".github/workflows/ci.yml");
    json.put("display_title", "CI");
    json.put("run_number", runId % 100_000);
    json.put("run_attempt", attempt);
    json.put("event", "push");
    json.put("status", status);
    json.put("conclusion", "completed".equals(status) ? conclusion(runId) : null);
    json.put("workflow_id", 1);
    json.put("url", api);
    json.put("html_url", "https://github.com/" + first.repository + "/actions/runs/" + runId);
    json.put("created_at", created.toString());
    json.put("updated_at", updated.toString());
    json.put("run_started_at", started.toString());
    json.put("jobs_url", api + "/jobs");
    json.put("logs_url", api + "/logs");
    json.put("cancel_url", api + "/cancel");
    json.put("rerun_url", api + "/rerun");
    json.put("previous_attempt_url", attempt > 1 ? api + "/attempts/" + (attempt - 1) : null);
    json.put(
        "workflow_url",
        "https://api.github.com/repos/" + first.repository + "/actions/workflows/1");
    json.put("repository", repositories.json(repositories.ensure(first.repository)));
    return json;
  }
}
