package io.autorunner.handler.task;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JobConclusion;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.ledger.LedgerUnavailableException;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.pool.Pool;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's VM goes: after the job finished on our runner (delete), or when it was cancelled before
 * any runner took it (release). A missing VM is success; a VM or runner that is not ours is left
 * alone; a runner busy with another job keeps its VM.
 */
final class RunnerRemoval {

  private static final Logger log = LoggerFactory.getLogger(RunnerRemoval.class);

  private final RunnerMachines machines;
  private final RunnerRegistry github;
  private final PreemptionReruns preemptions;
  private final LifecycleCounters counters;
  private final ReplacementLedger ledger;
  private final PoolTopUp pools;
  private final MachineRetirement retirement;
  private final MachineLog machineLog;

  RunnerRemoval(
      RunnerMachines machines,
      RunnerRegistry github,
      PreemptionReruns preemptions,
      LifecycleCounters counters,
      ReplacementLedger ledger,
      PoolTopUp pools,
      MachineLog machineLog) {
    this.machines = machines;
    this.github = github;
    this.preemptions = preemptions;
    this.counters = counters;
    this.ledger = ledger;
    this.pools = pools;
    this.retirement = new MachineRetirement(machines, github);
    this.machineLog = machineLog;
  }

  /** A job finished on our runner: the VM goes, and the runner if GitHub still lists it. */
  TaskOutcome delete(RunnerTask.DeleteRunner task) {
    String name = task.runnerName();
    return TaskFailures.typed(
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
              JobConclusion.parse(task.conclusion()) == JobConclusion.FAILURE
                  ? preemptions.afterFailure(task)
                  : "";
          vm.flatMap(Machine::job)
              .filter(madeFor -> madeFor.jobId() != task.job().jobId())
              .ifPresent(madeFor -> refund(madeFor.jobId(), name));
          boolean deleted = vm.isPresent() && machines.delete(name);
          if (deleted) {
            counters.deleted();
            machineLog.deleted(vm.get(), "job completed");
          }
          String removed =
              foreign.isPresent()
                  ? "runner of that name is not ours"
                  : removeRunner(task.job(), runner);
          return TaskOutcome.done(
              (deleted ? "VM " + name + " deleted" : "VM " + name + " was gone already")
                  + "; "
                  + removed
                  + preempted
                  + refill(vm));
        });
  }

  /**
   * A job was cancelled before any runner took it. Its VM goes unless the VM's runner is busy: then
   * it is running another job with the same labels, and its own completion deletes it.
   */
  TaskOutcome release(RunnerTask.ReleaseRunner task) {
    String name = task.instanceName();
    return TaskFailures.typed(
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
          if (machine.isEmpty()) {
            try {
              return TaskOutcome.done(
                  "VM " + name + " was gone already; " + removeRunner(task.job(), runner));
            } catch (GitHubException.Permanent tookAJob) {
              return TaskOutcome.done(busy);
            }
          }
          // The runner first (GitHub refuses to remove one that took a job a moment ago), or,
          // with none yet, a claim that keeps the VM from being handed one.
          MachineRetirement.Result result = retirement.retire(machine.get(), runner, false);
          if (result == MachineRetirement.Result.BUSY) {
            return TaskOutcome.done(busy);
          }
          if (result == MachineRetirement.Result.DELETED) {
            machineLog.deleted(machine.get(), "job cancelled before pickup");
          }
          return TaskOutcome.done(
              result == MachineRetirement.Result.DELETED
                  ? "VM " + name + " released"
                  : "VM " + name + " was gone already");
        });
  }

  /** A pool VM went with its job: the pool is topped up at once, not at the next sweep. */
  private String refill(Optional<Machine> vm) {
    Optional<Pool> pool = vm.flatMap(pools.pools()::of);
    if (pool.isEmpty()) {
      return "";
    }
    try {
      return "; " + pools.keep(pool.get());
    } catch (ComputeException | GitHubException e) {
      // The next sweep tops it up; the delete itself succeeded.
      return "; pool " + pool.get().name() + " not topped up: " + e.getMessage();
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
}
