package io.autorunner.handler.task;

import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JitRunner;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.reconcile.RecentRepositories;
import io.autorunner.handler.reconcile.ReplacementBudget;
import io.autorunner.handler.system.PreemptionProperties;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, deletes and releases runners. Every step is idempotent because Cloud Tasks delivers at
 * least once: an existing VM is success, a missing VM on delete is success, and a JIT runner left
 * by a half-done attempt is cleaned up by the registry before a new one is registered.
 */
public class RunnerLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RunnerLifecycle.class);

  private final LabelPolicy policy;
  private final RunnerMachines machines;
  private final RunnerRegistry github;
  private final StartupScripts scripts;
  private final int maxInstances;
  private final RecentRepositories recent;
  private final PreemptionProperties preemption;
  private final LifecycleCounters counters;
  private final ReplacementBudget budget;

  public RunnerLifecycle(
      LabelPolicy policy,
      RunnerMachines machines,
      RunnerRegistry github,
      StartupScripts scripts,
      int maxInstances,
      RecentRepositories recent,
      PreemptionProperties preemption,
      LifecycleCounters counters,
      ReplacementBudget budget) {
    this.budget = budget;
    this.recent = recent;
    this.preemption = preemption;
    this.counters = counters;
    this.policy = policy;
    this.machines = machines;
    this.github = github;
    this.scripts = scripts;
    this.maxInstances = maxInstances;
  }

  /** A queued job gets its VM: resolve the spec, respect the cap, mint a JIT runner, insert. */
  public TaskOutcome create(RunnerTask.CreateRunner task) {
    String name = task.instanceName();
    recent.saw(task.job());
    LabelDecision decision = policy.resolve(task.labels());
    if (decision instanceof LabelDecision.Refused refused) {
      return TaskOutcome.refused("labels refused: " + refused.reason());
    }
    RunnerSpec spec = ((LabelDecision.Accepted) decision).spec();
    try {
      // One listing serves both the idempotency check and the cap.
      List<Machine> existing = machines.list();
      if (existing.stream().anyMatch(vm -> vm.name().equals(name))) {
        return TaskOutcome.done("VM " + name + " exists already");
      }
      // A create that arrives after its job was cancelled or served (a retried task, a release
      // that overtook it) must not leave a VM behind that nothing will delete.
      Optional<JobStatus> status = github.job(task.job());
      if (status.isPresent() && !status.get().queued()) {
        return TaskOutcome.done(
            "job " + task.job().jobId() + " is " + status.get().status() + "; no VM needed");
      }
      if (spec.spot() && rerunOfPreemptedJob(task.job(), status)) {
        spec = spec.withStandardProvisioning();
        counters.standardAfterPreemption();
        log.info(
            "job {} attempt {} re-runs a preempted job: standard provisioning",
            task.job().jobId(),
            task.job().runAttempt());
      }
      int running = existing.size();
      if (running >= maxInstances) {
        return TaskOutcome.atCapacity(
            running + " VMs exist and autorunner.limits.max-instances is " + maxInstances);
      }
      String script;
      JitRunner runner = github.createJitRunner(task.job(), name, spec.labels());
      try {
        script = scripts.render(spec, runner);
      } catch (IllegalStateException | IllegalArgumentException unrenderable) {
        dropRunner(task.job(), runner);
        return TaskOutcome.refused("startup script: " + unrenderable.getMessage());
      }
      CreatedMachine created;
      try {
        created = machines.create(new MachineRequest(name, spec, task.job(), script));
      } catch (ComputeException failed) {
        // The runner would only be an offline ghost on GitHub; the next attempt registers anew.
        dropRunner(task.job(), runner);
        throw failed;
      }
      if (!created.alreadyExisted()) {
        counters.created();
      }
      return TaskOutcome.done(
          (created.alreadyExisted() ? "VM existed already: " : "VM created: ")
              + name
              + " in "
              + created.zone()
              + " ("
              + spec.machineType()
              + (spec.hasGpu()
                  ? ", " + spec.accelerator().count() + "x " + spec.accelerator().type()
                  : "")
              + (created.spot() ? ", spot" : ", standard")
              + ")");
    } catch (ComputeException.Capacity e) {
      return TaskOutcome.retry("no capacity: " + e.getMessage());
    } catch (ComputeException.Transient | GitHubException.Transient e) {
      return TaskOutcome.retry(e.getMessage());
    } catch (ComputeException.Permanent | GitHubException.Permanent e) {
      return TaskOutcome.refused(e.getMessage());
    }
  }

  /** A job finished on our runner: the VM goes, and the runner if GitHub still lists it. */
  public TaskOutcome delete(RunnerTask.DeleteRunner task) {
    String name = task.runnerName();
    try {
      String preempted = "failure".equals(task.conclusion()) ? afterPreemption(task) : "";
      machines
          .find(name)
          .map(Machine::job)
          .filter(madeFor -> madeFor.jobId() != task.job().jobId())
          .ifPresent(madeFor -> budget.servedAnotherJob(madeFor.jobId()));
      boolean deleted = machines.delete(name);
      if (deleted) {
        counters.deleted();
      }
      String runner = removeRunner(task.job(), github.findRunner(task.job(), name));
      return TaskOutcome.done(
          (deleted ? "VM " + name + " deleted" : "VM " + name + " was gone already")
              + "; "
              + runner
              + preempted);
    } catch (ComputeException.Transient | ComputeException.Capacity | GitHubException.Transient e) {
      return TaskOutcome.retry(e.getMessage());
    } catch (ComputeException.Permanent | GitHubException.Permanent e) {
      return TaskOutcome.refused(e.getMessage());
    }
  }

  /**
   * A job was cancelled before any runner took it. Its VM goes unless the VM's runner is busy: then
   * it is running another job with the same labels, and its own completion deletes it.
   */
  public TaskOutcome release(RunnerTask.ReleaseRunner task) {
    String name = task.instanceName();
    try {
      Optional<Machine> machine = machines.find(name);
      Optional<GitHubRunner> runner = github.findRunner(task.job(), name);
      if (runner.isPresent() && runner.get().busy()) {
        return TaskOutcome.done(
            "runner " + name + " is busy with another job; its completion will delete the VM");
      }
      if (machine.isEmpty() && runner.isEmpty()) {
        return TaskOutcome.done("no VM or runner " + name + " to release");
      }
      boolean deleted = machine.isPresent() && machines.delete(name);
      String removed = removeRunner(task.job(), runner);
      return TaskOutcome.done(
          (deleted ? "VM " + name + " released" : "VM " + name + " was gone already")
              + "; "
              + removed);
    } catch (ComputeException.Transient | ComputeException.Capacity | GitHubException.Transient e) {
      return TaskOutcome.retry(e.getMessage());
    } catch (ComputeException.Permanent | GitHubException.Permanent e) {
      return TaskOutcome.refused(e.getMessage());
    }
  }

  /**
   * A job failed on our runner: if GCE reclaimed its Spot VM, that is not the job's fault. Re-run
   * it (within the bound), and say so in the log, since GitHub shows only a failed job.
   */
  private String afterPreemption(RunnerTask.DeleteRunner task) {
    if (!machines.wasPreempted(task.runnerName())) {
      return "";
    }
    counters.preempted();
    JobRef job = task.job();
    if (job.runAttempt() > preemption.maxReruns()) {
      log.warn(
          "job {} of {} failed: Spot VM {} was preempted; attempt {} is past"
              + " autorunner.preemption.max-reruns={}, so it stays failed",
          job.jobId(),
          job.repository(),
          task.runnerName(),
          job.runAttempt(),
          preemption.maxReruns());
      return "; preempted, re-run limit reached";
    }
    try {
      github.rerunJob(job);
      counters.rerun();
      log.warn(
          "job {} of {} failed: Spot VM {} was preempted; re-run requested (attempt {})",
          job.jobId(),
          job.repository(),
          task.runnerName(),
          job.runAttempt() + 1);
      return "; preempted, job re-run";
    } catch (GitHubException.Permanent e) {
      // Most often: an earlier delivery of this task re-ran it already.
      log.warn("job {}: preempted, but GitHub refused the re-run: {}", job.jobId(), e.getMessage());
      return "; preempted, re-run refused: " + e.getMessage();
    }
  }

  /** True when the previous attempt of this job ran on a Spot VM that was preempted. */
  private boolean rerunOfPreemptedJob(JobRef job, Optional<JobStatus> status) {
    if (!preemption.standardOnRerun()
        || job.runAttempt() < 2
        || status.isEmpty()
        || status.get().name() == null) {
      return false;
    }
    return github.attemptJobs(job, job.runAttempt() - 1).stream()
        .filter(previous -> status.get().name().equals(previous.name()))
        .map(JobStatus::runnerName)
        .anyMatch(runner -> runner != null && machines.wasPreempted(runner));
  }

  private String removeRunner(JobRef job, Optional<GitHubRunner> runner) {
    if (runner.isEmpty()) {
      return "no runner registered";
    }
    return github.deleteRunner(job, runner.get().id())
        ? "runner " + runner.get().id() + " removed"
        : "runner was gone already";
  }

  private void dropRunner(JobRef job, JitRunner runner) {
    try {
      github.deleteRunner(job, runner.runnerId());
    } catch (GitHubException e) {
      // Not fatal: the next attempt meets the name conflict and removes the idle runner then.
      log.warn(
          "could not remove runner {} after a failed create: {}", runner.name(), e.getMessage());
    }
  }
}
