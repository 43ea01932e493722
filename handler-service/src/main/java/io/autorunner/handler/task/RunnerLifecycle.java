package io.autorunner.handler.task;

import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.vm.HandoutAddress;
import io.autorunner.handler.vm.RunnerMachines;

/**
 * Creates ({@link RunnerCreation}), deletes and releases ({@link RunnerRemoval}) runners. Every
 * step is idempotent under repetition and under concurrency, because Cloud Tasks delivers at least
 * once and several at a time to several handler instances: an existing VM is success, a missing VM
 * on delete is success, a VM is retired without racing the handout of its runner, and the cap is
 * checked against what GCE lists.
 */
public class RunnerLifecycle {

  private final RunnerCreation creation;
  private final RunnerRemoval removal;

  public RunnerLifecycle(
      LabelPolicy policy,
      RoutingRules rules,
      RunnerMachines machines,
      GitHubActions github,
      StartupScripts scripts,
      HandoutAddress handout,
      InstanceCap cap,
      PreemptionProperties preemption,
      LifecycleCounters counters,
      ReplacementLedger ledger,
      PoolTopUp pools,
      MachineLog machineLog) {
    PreemptionReruns preemptions =
        new PreemptionReruns(
            machines, github, preemption, policy.bounds().allowStandard(), counters);
    this.creation =
        new RunnerCreation(
            policy,
            rules,
            machines,
            github,
            scripts,
            handout,
            cap,
            preemptions,
            counters,
            pools,
            machineLog);
    this.removal =
        new RunnerRemoval(machines, github, preemptions, counters, ledger, pools, machineLog);
  }

  /** A queued job gets its VM; see {@link RunnerCreation}. */
  public TaskOutcome create(RunnerTask.CreateRunner task) {
    return creation.create(task);
  }

  /** A job finished on our runner: the VM goes, and the runner if GitHub still lists it. */
  public TaskOutcome delete(RunnerTask.DeleteRunner task) {
    return removal.delete(task);
  }

  /** A job was cancelled before any runner took it: its VM goes unless its runner is busy. */
  public TaskOutcome release(RunnerTask.ReleaseRunner task) {
    return removal.release(task);
  }
}
