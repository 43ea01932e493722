package io.autorunner.common.task;

import io.autorunner.common.naming.Rfc1035Name;
import java.util.List;
import java.util.Objects;

/** A unit of work for the handler. Its id is a function of the job, never of time or chance. */
public sealed interface RunnerTask
    permits RunnerTask.CreateRunner,
        RunnerTask.DeleteRunner,
        RunnerTask.ReleaseRunner,
        RunnerTask.CheckRunner {

  TaskKind kind();

  JobRef job();

  /** The deterministic task id: a repeated delivery names the same task. */
  String taskId();

  /** A queued job needs a VM named {@code instanceName} with a runner of the job's labels. */
  record CreateRunner(JobRef job, List<String> labels, String instanceName) implements RunnerTask {
    public CreateRunner {
      Objects.requireNonNull(job, "job");
      labels = List.copyOf(labels);
      requireInstanceName(instanceName);
    }

    @Override
    public TaskKind kind() {
      return TaskKind.CREATE_RUNNER;
    }

    @Override
    public String taskId() {
      return TaskIds.of(kind().path() + "-" + job.jobId() + "-" + job.runAttempt());
    }
  }

  /**
   * A job finished on our runner {@code runnerName}: delete the VM of that name and the runner.
   *
   * @param runnerId GitHub's id of the runner, when the delivery carried it
   * @param conclusion the job's conclusion (success, failure, cancelled…), for the log
   */
  record DeleteRunner(JobRef job, String runnerName, Long runnerId, String conclusion)
      implements RunnerTask {
    public DeleteRunner {
      Objects.requireNonNull(job, "job");
      requireInstanceName(runnerName);
    }

    @Override
    public TaskKind kind() {
      return TaskKind.DELETE_RUNNER;
    }

    @Override
    public String taskId() {
      return TaskIds.of(kind().path() + "-" + runnerName + "-" + job.jobId());
    }
  }

  /**
   * A job was cancelled before any runner took it: the VM made for it ({@code instanceName}) may
   * go, unless its runner is busy with another job.
   */
  record ReleaseRunner(JobRef job, List<String> labels, String instanceName) implements RunnerTask {
    public ReleaseRunner {
      Objects.requireNonNull(job, "job");
      labels = List.copyOf(labels);
      requireInstanceName(instanceName);
    }

    @Override
    public TaskKind kind() {
      return TaskKind.RELEASE_RUNNER;
    }

    @Override
    public String taskId() {
      return TaskIds.of(kind().path() + "-" + job.jobId() + "-" + job.runAttempt());
    }
  }

  /**
   * Job {@code job} started on our runner {@code runnerName}, which was made for another job: that
   * job may now wait with no VM, and needs a replacement if it still queues.
   *
   * @param runnerId GitHub's id of the runner the job started on, when the delivery carried it (the
   *     delayed check a create schedules carries none); a runner of that name with another id is
   *     not ours
   */
  record CheckRunner(JobRef job, String runnerName, Long runnerId) implements RunnerTask {
    public CheckRunner {
      Objects.requireNonNull(job, "job");
      requireInstanceName(runnerName);
    }

    public CheckRunner(JobRef job, String runnerName) {
      this(job, runnerName, null);
    }

    @Override
    public TaskKind kind() {
      return TaskKind.CHECK_RUNNER;
    }

    @Override
    public String taskId() {
      return TaskIds.of(kind().path() + "-" + runnerName + "-" + job.jobId());
    }
  }

  private static void requireInstanceName(String name) {
    if (!Rfc1035Name.matches(name)) {
      throw new IllegalArgumentException("not a valid instance name: " + name);
    }
  }
}
