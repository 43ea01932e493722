package io.autorunner.handler.reconcile;

import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.Optional;

/**
 * Deletes a VM, its runner first: GitHub refuses to remove a runner that took a job since it was
 * listed, and then the VM stays (deleting it would kill that job). A second delete of the same VM
 * from an overlapping sweep finds it gone or being deleted, and says so.
 */
final class VmRetirement {

  private final RunnerMachines machines;
  private final RunnerRegistry github;

  VmRetirement(RunnerMachines machines, RunnerRegistry github) {
    this.machines = machines;
    this.github = github;
  }

  /** With {@code regardless}, a VM that cannot run a job anyway (stopped, too old) goes too. */
  void retire(
      Machine vm,
      Optional<GitHubRunner> runner,
      String reason,
      ReconcileReport report,
      boolean regardless) {
    try {
      if (runner.isPresent() && vm.job() != null) {
        try {
          github.deleteRunner(vm.job(), runner.get().id());
        } catch (GitHubException.Permanent tookAJob) {
          if (!regardless) {
            report.kept(vm.name(), "its runner took a job meanwhile");
            return;
          }
        }
      }
      if (machines.delete(vm.name())) {
        report.deletedVm(vm.name(), reason);
      } else {
        report.kept(vm.name(), "gone or being deleted by another caller");
      }
    } catch (ComputeException | GitHubException e) {
      report.failed(vm.name(), "delete: " + e.getMessage());
    }
  }
}
