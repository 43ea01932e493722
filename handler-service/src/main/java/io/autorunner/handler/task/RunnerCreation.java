package io.autorunner.handler.task;

import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JitRunner;
import io.autorunner.handler.github.JobStatus;
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
 * A queued job gets its VM: resolve the spec, respect the cap, mint a JIT runner, insert. An
 * existing VM is success, a runner name another attempt holds is waited for rather than taken, and
 * the cap is checked against what GCE lists, before the insert and after it.
 */
final class RunnerCreation {

  private static final Logger log = LoggerFactory.getLogger(RunnerCreation.class);

  private final LabelPolicy policy;
  private final RoutingRules rules;
  private final RunnerMachines machines;
  private final GitHubActions github;
  private final StartupScripts scripts;
  private final InstanceCap cap;
  private final PreemptionReruns preemptions;
  private final LifecycleCounters counters;

  RunnerCreation(
      LabelPolicy policy,
      RoutingRules rules,
      RunnerMachines machines,
      GitHubActions github,
      StartupScripts scripts,
      InstanceCap cap,
      PreemptionReruns preemptions,
      LifecycleCounters counters) {
    this.policy = policy;
    this.rules = rules;
    this.machines = machines;
    this.github = github;
    this.scripts = scripts;
    this.cap = cap;
    this.preemptions = preemptions;
    this.counters = counters;
  }

  /** A queued job gets its VM: resolve the spec, respect the cap, mint a JIT runner, insert. */
  TaskOutcome create(RunnerTask.CreateRunner task) {
    JobRef job = task.job();
    if (!rules.allows(job.owner(), job.repository())) {
      return TaskOutcome.refused(
          "repository " + job.repository() + " is outside the allowed owners and repositories");
    }
    LabelDecision decision = policy.resolve(task.labels());
    if (decision instanceof LabelDecision.Refused refused) {
      return TaskOutcome.refused("labels refused: " + refused.reason());
    }
    RunnerSpec requested = ((LabelDecision.Accepted) decision).spec();
    return TaskFailures.typed(() -> createVm(task, requested));
  }

  private TaskOutcome createVm(RunnerTask.CreateRunner task, RunnerSpec requested) {
    String name = task.instanceName();
    // One listing serves both the idempotency check and the cap.
    List<Machine> existing = machines.list();
    if (existing.stream().anyMatch(vm -> vm.name().equals(name))) {
      // An earlier attempt inserted it; if that attempt failed before it could check the cap (a
      // listing or a delete that failed, a restart), this one checks now.
      Optional<String> over = cap.overflowing(name, existing);
      if (over.isPresent()) {
        Optional<GitHubRunner> registered = github.findRunner(task.job(), name);
        return undoOverCap(task.job(), name, registered.map(GitHubRunner::id), over.get());
      }
      return TaskOutcome.done("VM " + name + " exists already");
    }
    // A create that arrives after its job was cancelled or served (a retried task, a release
    // that overtook it) must not leave a VM behind that nothing will delete.
    Optional<JobStatus> status = github.job(task.job());
    if (status.isPresent() && !status.get().awaitingRunner()) {
      return TaskOutcome.done(
          "job " + task.job().jobId() + " is " + status.get().status() + "; no VM needed");
    }
    RunnerSpec spec = preemptions.provisioningFor(task.job(), status, requested);
    Optional<String> full = cap.full(existing);
    if (full.isPresent()) {
      return TaskOutcome.atCapacity(full.get());
    }
    JitRunner runner = github.createJitRunner(task.job(), name, spec.labels());
    String script;
    try {
      script = scripts.render(spec, runner);
    } catch (IllegalStateException | IllegalArgumentException unrenderable) {
      dropRunner(task.job(), runner);
      return TaskOutcome.refused("startup script: " + unrenderable.getMessage());
    }
    CreatedMachine created =
        insert(new MachineRequest(name, spec, task.job(), runner.runnerId(), script), runner);
    if (created.alreadyExisted()) {
      // Another attempt's VM holds the name, with that attempt's runner: ours serves nothing.
      dropRunner(task.job(), runner);
      return TaskOutcome.done("VM existed already: " + name + " in " + created.zone());
    }
    counters.created();
    Optional<String> over = cap.overflowing(name, machines.list());
    if (over.isPresent()) {
      return undoOverCap(task.job(), name, Optional.of(runner.runnerId()), over.get());
    }
    return TaskOutcome.created(
        "VM created: " + name + " in " + created.zone() + " (" + describe(spec, created) + ")");
  }

  /** Inserts; frees the runner unless the insert may still complete and boot with its config. */
  private CreatedMachine insert(MachineRequest request, JitRunner runner) {
    try {
      return machines.create(request);
    } catch (ComputeException.Transient failed) {
      if (!failed.mayStillSucceed()) {
        dropRunner(request.job(), runner);
      }
      throw failed;
    } catch (ComputeException failed) {
      dropRunner(request.job(), runner);
      throw failed;
    }
  }

  /**
   * Another create won the race for the last place: this VM goes again, and the task waits. The
   * runner goes first: GitHub refuses to remove a runner that took a job, which is the one safe
   * test of whether deleting the VM would kill a job.
   */
  private TaskOutcome undoOverCap(JobRef job, String name, Optional<Long> runnerId, String why) {
    if (runnerId.isPresent()) {
      try {
        github.deleteRunner(job, runnerId.get());
      } catch (GitHubException.Permanent busy) {
        log.warn("VM {} is over the cap ({}) but its runner took a job; it stays", name, why);
        return TaskOutcome.created("VM created: " + name + " (over the cap, but busy at once)");
      }
    }
    machines.delete(name);
    counters.deleted();
    return TaskOutcome.atCapacity("VM " + name + " was one too many (" + why + "); deleted again");
  }

  private void dropRunner(JobRef job, JitRunner runner) {
    try {
      github.deleteRunner(job, runner.runnerId());
    } catch (GitHubException e) {
      // Not fatal: the reconciler removes a runner with no VM once no create can be using it.
      log.warn(
          "could not remove runner {} after a failed create: {}", runner.name(), e.getMessage());
    }
  }

  private static String describe(RunnerSpec spec, CreatedMachine created) {
    return spec.machineType()
        + (spec.hasGpu()
            ? ", " + spec.accelerator().count() + "x " + spec.accelerator().type()
            : "")
        + (created.spot() ? ", spot" : ", standard");
  }
}
