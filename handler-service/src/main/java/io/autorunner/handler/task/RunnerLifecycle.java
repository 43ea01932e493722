package io.autorunner.handler.task;

import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JitRunner;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.ledger.LedgerUnavailableException;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, deletes and releases runners. Every step is idempotent under repetition and under
 * concurrency, because Cloud Tasks delivers at least once and several at a time to several handler
 * instances: an existing VM is success, a missing VM on delete is success, a runner name another
 * attempt holds is waited for rather than taken, and the cap is checked against what GCE lists.
 */
public class RunnerLifecycle {

  private static final Logger log = LoggerFactory.getLogger(RunnerLifecycle.class);

  private final LabelPolicy policy;
  private final RoutingRules rules;
  private final RunnerMachines machines;
  private final RunnerRegistry github;
  private final StartupScripts scripts;
  private final InstanceCap cap;
  private final PreemptionReruns preemptions;
  private final LifecycleCounters counters;
  private final ReplacementLedger ledger;

  public RunnerLifecycle(
      LabelPolicy policy,
      RoutingRules rules,
      RunnerMachines machines,
      RunnerRegistry github,
      StartupScripts scripts,
      int maxInstances,
      PreemptionProperties preemption,
      LifecycleCounters counters,
      ReplacementLedger ledger) {
    this.policy = policy;
    this.rules = rules;
    this.machines = machines;
    this.github = github;
    this.scripts = scripts;
    this.cap = new InstanceCap(maxInstances);
    this.preemptions = new PreemptionReruns(machines, github, preemption, counters);
    this.counters = counters;
    this.ledger = ledger;
  }

  /** A queued job gets its VM: resolve the spec, respect the cap, mint a JIT runner, insert. */
  public TaskOutcome create(RunnerTask.CreateRunner task) {
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
    return typed(() -> createVm(task, requested));
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

  /** A job finished on our runner: the VM goes, and the runner if GitHub still lists it. */
  public TaskOutcome delete(RunnerTask.DeleteRunner task) {
    String name = task.runnerName();
    return typed(
        () -> {
          Optional<Machine> vm = machines.find(name);
          Optional<String> notOurs =
              vm.flatMap(m -> RunnerOwnership.notOurs(m, task.job(), task.runnerId()));
          if (notOurs.isPresent()) {
            return TaskOutcome.refused("not our runner: " + notOurs.get());
          }
          Optional<GitHubRunner> runner = github.findRunner(task.job(), name);
          Optional<String> foreign =
              runner.flatMap(r -> RunnerOwnership.notOurs(r, task.runnerId()));
          if (vm.isEmpty() && foreign.isPresent()) {
            return TaskOutcome.refused("not our runner: " + foreign.get());
          }
          String preempted =
              "failure".equals(task.conclusion()) ? preemptions.afterFailure(task) : "";
          vm.map(Machine::job)
              .filter(madeFor -> madeFor.jobId() != task.job().jobId())
              .ifPresent(madeFor -> refund(madeFor.jobId(), name));
          boolean deleted = vm.isPresent() && machines.delete(name);
          if (deleted) {
            counters.deleted();
          }
          String removed =
              foreign.isPresent()
                  ? "runner of that name is not ours"
                  : removeRunner(task.job(), runner);
          return TaskOutcome.done(
              (deleted ? "VM " + name + " deleted" : "VM " + name + " was gone already")
                  + "; "
                  + removed
                  + preempted);
        });
  }

  /**
   * A job was cancelled before any runner took it. Its VM goes unless the VM's runner is busy: then
   * it is running another job with the same labels, and its own completion deletes it.
   */
  public TaskOutcome release(RunnerTask.ReleaseRunner task) {
    String name = task.instanceName();
    return typed(
        () -> {
          Optional<Machine> machine = machines.find(name);
          Optional<GitHubRunner> runner = github.findRunner(task.job(), name);
          String busy =
              "runner " + name + " is busy with another job; its completion will delete the VM";
          if (runner.isPresent() && runner.get().busy()) {
            return TaskOutcome.done(busy);
          }
          if (machine.isEmpty() && runner.isEmpty()) {
            return TaskOutcome.done("no VM or runner " + name + " to release");
          }
          // The runner first: GitHub refuses to remove one that took a job a moment ago.
          String removed;
          try {
            removed = removeRunner(task.job(), runner);
          } catch (GitHubException.Permanent tookAJob) {
            return TaskOutcome.done(busy);
          }
          boolean deleted = machine.isPresent() && machines.delete(name);
          return TaskOutcome.done(
              (deleted ? "VM " + name + " released" : "VM " + name + " was gone already")
                  + "; "
                  + removed);
        });
  }

  /** The one place failures become answers: transient ones retry, permanent ones are refused. */
  private static TaskOutcome typed(Supplier<TaskOutcome> work) {
    try {
      return work.get();
    } catch (ComputeException.Capacity e) {
      return TaskOutcome.retry("no capacity: " + e.getMessage());
    } catch (ComputeException.Transient | GitHubException.Transient e) {
      return TaskOutcome.retry(e.getMessage());
    } catch (LedgerUnavailableException e) {
      return TaskOutcome.retry("replacement ledger: " + e.getMessage());
    } catch (ComputeException.Permanent | GitHubException.Permanent e) {
      return TaskOutcome.refused(e.getMessage());
    }
  }

  private void refund(long jobId, String name) {
    try {
      ledger.refund(jobId, name);
    } catch (LedgerUnavailableException e) {
      // Without the refund the job's bound is only stricter: the safe direction.
      log.warn("could not refund {} to job {}: {}", name, jobId, e.getMessage());
    }
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
