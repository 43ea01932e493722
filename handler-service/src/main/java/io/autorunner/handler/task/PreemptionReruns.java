package io.autorunner.handler.task;

import io.autorunner.common.logging.LogFields;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.github.WorkflowJobs;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A job that failed because GCE reclaimed its Spot VM is re-run, once per preemption however often
 * its delete task arrives: GitHub's own attempt counter says whether the re-run happened already.
 * Its re-run may get standard provisioning, unless {@code autorunner.policy.allow-standard=false}
 * keeps every VM Spot.
 */
final class PreemptionReruns {

  private static final Logger log = LoggerFactory.getLogger(PreemptionReruns.class);

  private final RunnerMachines machines;
  private final WorkflowJobs github;
  private final PreemptionProperties settings;
  private final boolean standardAllowed;
  private final LifecycleCounters counters;

  /**
   * @param standardAllowed {@code autorunner.policy.allow-standard}: the bound on cost wins over
   *     {@code autorunner.preemption.standard-on-rerun}
   */
  PreemptionReruns(
      RunnerMachines machines,
      WorkflowJobs github,
      PreemptionProperties settings,
      boolean standardAllowed,
      LifecycleCounters counters) {
    this.machines = machines;
    this.github = github;
    this.settings = settings;
    this.standardAllowed = standardAllowed;
    this.counters = counters;
    if (settings.standardOnRerun() && !standardAllowed) {
      log.warn(
          "autorunner.preemption.standard-on-rerun=true has no effect:"
              + " autorunner.policy.allow-standard=false keeps every VM Spot");
    }
  }

  /** After a failed job on our runner: what was done about a preemption, for the answer. */
  String afterFailure(RunnerTask.DeleteRunner task) {
    if (!machines.wasPreempted(task.runnerName())) {
      return "";
    }
    JobRef job = task.job();
    if (job.runAttempt() > settings.maxReruns()) {
      counters.preempted();
      preemption(task, "rerun-limit")
          .log(
              "job {} of {} failed: Spot VM {} was preempted; attempt {} is past"
                  + " autorunner.preemption.max-reruns={}, so it stays failed",
              job.jobId(),
              job.repository(),
              task.runnerName(),
              job.runAttempt(),
              settings.maxReruns());
      return "; preempted, re-run limit reached";
    }
    int latest = github.runAttempt(job);
    if (latest > job.runAttempt()) {
      // An earlier delivery of this task re-ran it (or a person did): once is enough.
      return "; preempted, re-run already (attempt " + latest + ")";
    }
    try {
      github.rerunJob(job);
      counters.preempted();
      counters.rerun();
      preemption(task, "rerun")
          .log(
              "job {} of {} failed: Spot VM {} was preempted; re-run requested (attempt {})",
              job.jobId(),
              job.repository(),
              task.runnerName(),
              job.runAttempt() + 1);
      return "; preempted, job re-run";
    } catch (GitHubException.Permanent e) {
      // GitHub refuses a re-run while the run has an attempt in progress: a concurrent delivery
      // of this task re-ran it a moment ago.
      log.warn("job {}: preempted, but GitHub refused the re-run: {}", job.jobId(), e.getMessage());
      return "; preempted, re-run refused: " + e.getMessage();
    }
  }

  /** The line a preemption is logged with; {@code outcome} says whether the job was re-run. */
  private static LoggingEventBuilder preemption(RunnerTask.DeleteRunner task, String outcome) {
    return log.atWarn()
        .addKeyValue(LogFields.EVENT, LogFields.Events.PREEMPTED)
        .addKeyValue(LogFields.OUTCOME, outcome)
        .addKeyValue(LogFields.VM, task.runnerName())
        .addKeyValue(LogFields.JOB_ID, task.job().jobId())
        .addKeyValue(LogFields.RUN_ID, task.job().runId())
        .addKeyValue(LogFields.REPOSITORY, task.job().repository());
  }

  /**
   * The spec to provision: standard for the re-run of a preempted job, when so configured and
   * standard VMs are allowed at all.
   */
  RunnerSpec provisioningFor(JobRef job, Optional<JobStatus> status, RunnerSpec spec) {
    if (!spec.spot() || !standardAllowed || !rerunOfPreemptedJob(job, status)) {
      return spec;
    }
    counters.standardAfterPreemption();
    log.info(
        "job {} attempt {} re-runs a preempted job: standard provisioning",
        job.jobId(),
        job.runAttempt());
    return spec.withStandardProvisioning();
  }

  /** True when the previous attempt of this job ran on a Spot VM that was preempted. */
  private boolean rerunOfPreemptedJob(JobRef job, Optional<JobStatus> status) {
    if (!settings.standardOnRerun()
        || job.runAttempt() < 2
        || status.flatMap(JobStatus::name).isEmpty()) {
      return false;
    }
    Optional<String> name = status.get().name();
    return github.attemptJobs(job, job.runAttempt() - 1).stream()
        .filter(previous -> name.equals(previous.name()))
        .flatMap(previous -> previous.runnerName().stream())
        .anyMatch(machines::wasPreempted);
  }
}
