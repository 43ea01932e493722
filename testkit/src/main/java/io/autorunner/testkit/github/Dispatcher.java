package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Delay;
import io.autorunner.testkit.fault.Faults;
import io.autorunner.testkit.fault.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * GitHub's dispatcher: the oldest queued job goes to any idle online runner that carries all its
 * labels and may serve its repository (a repository runner only its own repository's jobs; an
 * organisation runner only jobs of the organisation's repositories its runner group admits),
 * whichever job that runner was made for; among several, the seeded random picks; a job only once
 * the hand-over delay has passed since it was queued. The job runs for the run time and succeeds;
 * the ephemeral runner then deregisters and its machine powers off. Callers hold the fake's lock.
 */
final class Dispatcher {

  private final ActionsState state;
  private final Repositories repositories;
  private final RunnerGroups groups;
  private final JobEvents events;
  private final Faults faults;
  private final Timeline clock;
  private final Delay runTime;
  private final Delay handOver;

  Dispatcher(
      ActionsState state,
      Repositories repositories,
      RunnerGroups groups,
      JobEvents events,
      Faults faults,
      Timeline clock,
      Delay runTime,
      Delay handOver) {
    this.state = state;
    this.repositories = repositories;
    this.groups = groups;
    this.events = events;
    this.faults = faults;
    this.clock = clock;
    this.runTime = runTime;
    this.handOver = handOver;
  }

  /**
   * Hands every queued job that has an idle runner to one; run after anything that may free one.
   */
  void dispatch() {
    Instant now = Instant.now();
    for (JobState job : state.queuedOldestFirst()) {
      Instant handable = job.createdAt.plus(handOver.get());
      if (handable.isAfter(now)) {
        if (!job.handOverDue) {
          job.handOverDue = true; // one dispatch at its time, however often this runs before
          clock.after(
              Duration.between(now, handable).plusMillis(1), // the timer counts whole ms
              () -> {
                synchronized (state.lock) {
                  job.handOverDue = false;
                  dispatch();
                }
              });
        }
        continue;
      }
      Repository repository = repositories.ensure(job.repository);
      List<RunnerState> idle =
          state.runners.values().stream()
              .filter(r -> "online".equals(r.status) && !r.busy && serves(r, job, repository))
              .toList();
      if (idle.isEmpty()) {
        continue;
      }
      start(job, idle.get(faults.pick(idle.size())));
    }
  }

  /** A repository registered or made public: a runner group may admit its queued jobs now. */
  Repository admit(Repository repository) {
    synchronized (state.lock) {
      dispatch();
    }
    return repository;
  }

  /** The job ends; its {@code completed} webhook goes out. */
  void complete(JobState job, String conclusion) {
    job.status = "completed";
    job.conclusion = conclusion;
    job.completedAt = Instant.now();
    events.send(job, "completed");
  }

  /** An ephemeral runner after its job: it deregisters, and its machine powers off. */
  void runnerExits(RunnerState runner) {
    state.runners.remove(runner.id);
    powerOff(runner);
  }

  void powerOff(RunnerState runner) {
    Runnable off = runner.powerOff;
    if (off != null) {
      clock.soon(off);
    }
  }

  /** The name of the runner's group as jobs show it: "Default" for a repository runner. */
  String groupName(RunnerState runner) {
    String org = runner.organization();
    return org == null
        ? "Default"
        : groups.find(org, runner.groupId).map(RunnerGroup::name).orElse("Default");
  }

  /** GitHub moves the runners of a deleted group to the organisation's default group. */
  void moveToDefaultGroup(String org, long groupId) {
    for (RunnerState runner : state.runners.values()) {
      if (org.equalsIgnoreCase(runner.organization()) && runner.groupId == groupId) {
        runner.groupId = RunnerGroups.DEFAULT;
      }
    }
  }

  private void start(JobState job, RunnerState runner) {
    runner.busy = true;
    runner.jobId = job.id;
    job.status = "in_progress";
    job.runnerId = runner.id;
    job.runnerName = runner.name;
    job.runnerGroupId = runner.groupId;
    job.runnerGroupName = groupName(runner);
    job.startedAt = Instant.now();
    events.send(job, "in_progress");
    long runnerId = runner.id;
    long jobId = job.id;
    clock.after(runTime, () -> finish(runnerId, jobId));
  }

  private boolean serves(RunnerState runner, JobState job, Repository repository) {
    if (!runner.carriesAll(job.labels)) {
      return false;
    }
    String org = runner.organization();
    if (org == null) {
      return runner.scope.equals(RunnerState.REPO + job.repository.toLowerCase(Locale.ROOT));
    }
    return groups.admits(org, runner.groupId, repository);
  }

  private void finish(long runnerId, long jobId) {
    synchronized (state.lock) {
      JobState job = state.jobs.get(jobId);
      RunnerState runner = state.runners.get(runnerId);
      if (job == null
          || !"in_progress".equals(job.status)
          || runner == null
          || !"online".equals(runner.status)) {
        return; // cancelled, or the machine vanished: handled elsewhere
      }
      complete(job, "success");
      runnerExits(runner);
      dispatch();
    }
  }
}
