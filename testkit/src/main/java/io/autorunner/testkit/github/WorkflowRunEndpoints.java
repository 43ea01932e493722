package io.autorunner.testkit.github;

import io.autorunner.testkit.http.JsonServer;
import io.autorunner.testkit.http.Request;
import io.autorunner.testkit.http.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The REST endpoints of workflow runs and their jobs: {@code GET .../actions/runs} (with an ETag),
 * {@code GET .../actions/runs/{id}}, the jobs of a run and of one attempt, {@code GET
 * .../actions/jobs/{id}} and {@code POST .../actions/jobs/{id}/rerun}. Guarded by the fake's lock.
 */
final class WorkflowRunEndpoints {

  private final ActionsState state;
  private final WorkflowRuns runs;
  private final ApiMeter meter;
  private final Function<JobState, JobState> rerun;

  WorkflowRunEndpoints(
      ActionsState state, WorkflowRuns runs, ApiMeter meter, Function<JobState, JobState> rerun) {
    this.state = state;
    this.runs = runs;
    this.meter = meter;
    this.rerun = rerun;
  }

  void routes(JsonServer server, String repo) {
    server.route("GET", repo + "/actions/runs", this::list);
    server.route("GET", repo + "/actions/runs/([0-9]+)", this::get);
    server.route("GET", repo + "/actions/runs/([0-9]+)/jobs", this::listJobs);
    server.route(
        "GET", repo + "/actions/runs/([0-9]+)/attempts/([0-9]+)/jobs", this::listAttemptJobs);
    server.route("GET", repo + "/actions/jobs/([0-9]+)", this::getJob);
    server.route("POST", repo + "/actions/jobs/([0-9]+)/rerun", this::rerunJob);
  }

  /**
   * {@code GET /repos/{o}/{r}/actions/runs?status=}: newest first; {@code status} matches a run's
   * status or its conclusion.
   */
  private Response list(Request request) {
    String repository = repository(request);
    String wanted = request.query().get("status");
    Paging paging = Paging.of(request);
    synchronized (state.lock) {
      List<Map<String, Object>> matching = new ArrayList<>();
      for (long runId : runs.runIds(repository)) {
        Map<String, Object> run = runs.json(runId);
        if (wanted == null
            || wanted.equals(run.get("status"))
            || wanted.equals(run.get("conclusion"))) {
          matching.add(run);
        }
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("total_count", matching.size());
      body.put("workflow_runs", paging.page(matching));
      return meter.conditional(request, body);
    }
  }

  private Response get(Request request) {
    long runId = Long.parseLong(request.param(2));
    synchronized (state.lock) {
      if (!runs.runIds(repository(request)).contains(runId)) {
        return GitHubErrors.notFound();
      }
      return meter.conditional(request, runs.json(runId));
    }
  }

  private Response listJobs(Request request) {
    long runId = Long.parseLong(request.param(2));
    return jobsOf(request, j -> j.runId == runId);
  }

  private Response listAttemptJobs(Request request) {
    long runId = Long.parseLong(request.param(2));
    int attempt = Integer.parseInt(request.param(3));
    synchronized (state.lock) {
      boolean known =
          state.jobs.values().stream()
              .anyMatch(
                  j ->
                      j.runId == runId
                          && j.runAttempt == attempt
                          && j.repository.equalsIgnoreCase(repository(request)));
      if (!known) {
        return GitHubErrors.notFound();
      }
    }
    return jobsOf(request, j -> j.runId == runId && j.runAttempt == attempt);
  }

  private Response jobsOf(Request request, Predicate<JobState> which) {
    String repository = repository(request);
    Paging paging = Paging.of(request);
    synchronized (state.lock) {
      List<Map<String, Object>> listed = new ArrayList<>();
      for (JobState job : state.jobs.values()) {
        if (which.test(job) && job.repository.equalsIgnoreCase(repository)) {
          listed.add(job.json());
        }
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("total_count", listed.size());
      body.put("jobs", paging.page(listed));
      return Response.json(200, body);
    }
  }

  private Response getJob(Request request) {
    synchronized (state.lock) {
      JobState job = state.jobOf(repository(request), Long.parseLong(request.param(2)));
      return job == null ? GitHubErrors.notFound() : Response.json(200, job.json());
    }
  }

  private Response rerunJob(Request request) {
    synchronized (state.lock) {
      JobState job = state.jobOf(repository(request), Long.parseLong(request.param(2)));
      if (job == null) {
        return GitHubErrors.notFound();
      }
      String refused = runs.refusal(job);
      if (refused != null) {
        return GitHubErrors.error(403, refused);
      }
      rerun.apply(job);
      return Response.json(201, Map.of());
    }
  }

  private static String repository(Request request) {
    return request.param(0) + "/" + request.param(1);
  }
}
