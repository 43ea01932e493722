package io.autorunner.handler.reconcile;

import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.task.MachineLog;
import io.autorunner.handler.task.MachineRetirement;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.Optional;

/**
 * The sweep's deletes, as {@link MachineRetirement} does them (runner first, or a claim against the
 * handout of a runner), written into the report. A second delete of the same VM from an overlapping
 * sweep finds it gone or being deleted, and says so.
 */
final class VmRetirement {

  private final MachineRetirement retirement;
  private final MachineLog machineLog;

  VmRetirement(RunnerMachines machines, RunnerRegistry github, MachineLog machineLog) {
    this.retirement = new MachineRetirement(machines, github);
    this.machineLog = machineLog;
  }

  /** With {@code regardless}, a VM that cannot run a job anyway (stopped, too old) goes too. */
  void retire(
      Machine vm,
      Optional<GitHubRunner> runner,
      String reason,
      ReconcileReport report,
      boolean regardless) {
    try {
      switch (retirement.retire(vm, runner, regardless)) {
        case DELETED -> {
          report.deletedVm(vm.name(), reason);
          machineLog.deleted(vm, reason);
        }
        case GONE -> report.kept(vm.name(), "gone or being deleted by another caller");
        case BUSY -> report.kept(vm.name(), "its runner took a job meanwhile");
      }
    } catch (ComputeException | GitHubException e) {
      report.failed(vm.name(), "delete: " + e.getMessage());
    }
  }
}
