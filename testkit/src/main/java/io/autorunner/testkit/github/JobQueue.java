package io.autorunner.testkit.github;

import java.util.ArrayList;
import java.util.List;

/**
 * The workflow side of the fake: runs are queued with their jobs, jobs cancelled and re-run, each
 * change sent as a webhook and followed by a dispatch.
 */
final class JobQueue {

  private final ActionsState state;
  private final Repositories repositories;
  private final WorkflowRuns runs;
  private final Dispatcher dispatcher;
  private final JobEvents events;

  JobQueue(
      ActionsState state,
      Repositories repositories,
      WorkflowRuns runs,
      Dispatcher dispatcher,
      JobEvents events) {
    this.state = state;
    this.repositories = repositories;
    this.runs = runs;
    this.dispatcher = dispatcher;
    this.events = events;
  }

  /**
   * A new run of {@code repository} with one job per {@code runs-on} list (a matrix, each entry's
   * {@code strategy.job-index} its place), oldest first. An expression the fake does not evaluate
   * refuses the whole run before any job is queued.
   */
  List<Long> queueRun(String repository, List<List<String>> jobLabels) {
    if (!repository.matches("[^/\\s]+/[^/\\s]+")) {
      throw new IllegalArgumentException("repository must be owner/name: " + repository);
    }
    long runId = state.nextRunId();
    for (int index = 0; index < jobLabels.size(); index++) {
      RunsOn.evaluate(jobLabels.get(index), runId, 1, index);
    }
    List<Long> ids = new ArrayList<>();
    repositories.ensure(repository);
    synchronized (state.lock) {
      for (int index = 0; index < jobLabels.size(); index++) {
        JobState job =
            state.add(
                new JobState(
                    state.nextJobId(),
                    runId,
                    1,
                    repository,
                    jobLabels.get(index),
                    index,
                    "build (" + index + ")",
                    null));
        ids.add(job.id);
        events.send(job, "queued");
      }
      dispatcher.dispatch();
    }
    return ids;
  }

  /**
   * A queued job completes {@code cancelled} without runner fields; a running one completes {@code
   * cancelled} with its runner, which then exits. False when already completed.
   */
  boolean cancel(long jobId) {
    synchronized (state.lock) {
      JobState job = state.jobs.get(jobId);
      if (job == null || "completed".equals(job.status)) {
        return false;
      }
      RunnerState runner = job.runnerId == null ? null : state.runners.get(job.runnerId);
      dispatcher.complete(job, "cancelled");
      if (runner != null && "online".equals(runner.status)) {
        dispatcher.runnerExits(runner);
      }
      dispatcher.dispatch();
      return true;
    }
  }

  /** A re-run, refused (IllegalStateException) while the run's latest attempt is not completed. */
  long rerun(long jobId) {
    synchronized (state.lock) {
      JobState job = state.jobs.get(jobId);
      if (job == null) {
        throw new IllegalArgumentException("no job " + jobId);
      }
      String refused = runs.refusal(job);
      if (refused != null) {
        throw new IllegalStateException("job " + jobId + " cannot be re-run: " + refused);
      }
      return rerunLocked(job).id;
    }
  }

  /**
   * Re-runs a job as GitHub does: a new job id, the same run, the next {@code run_attempt}, its
   * {@code runs-on} evaluated again for that attempt. Callers hold the lock and checked {@link
   * WorkflowRuns#refusal}.
   */
  JobState rerunLocked(JobState job) {
    int attempt =
        state.jobs.values().stream()
                .filter(j -> j.runId == job.runId)
                .mapToInt(j -> j.runAttempt)
                .max()
                .orElse(job.runAttempt)
            + 1;
    JobState again =
        state.add(
            new JobState(
                state.nextJobId(),
                job.runId,
                attempt,
                job.repository,
                job.runsOn,
                job.jobIndex,
                job.name,
                job.id));
    state.reruns.incrementAndGet();
    events.send(again, "queued");
    dispatcher.dispatch();
    return again;
  }
}
