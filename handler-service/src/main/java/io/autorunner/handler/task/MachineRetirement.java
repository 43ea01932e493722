package io.autorunner.handler.task;

import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Deletes a VM without killing a job on it, whoever retires it (the cap's undo, a release, the
 * reconciler). With a runner, the runner goes first: GitHub refuses to remove a runner that took a
 * job, and then the VM stays. Without one yet, the VM may be asking for its runner at this very
 * moment, so it is first marked {@link MachineLabels#RETIRING} with the label fingerprint it was
 * read with: the runner handout records its runner with a fingerprint too, so exactly one of the
 * two wins. If the handout won, the VM is read again and retired runner-first.
 */
public final class MachineRetirement {

  /** How a retirement ended. */
  public enum Result {
    /** The VM is being deleted. */
    DELETED,
    /** It was gone, or being deleted by another caller. */
    GONE,
    /** Its runner took a job: it stays, and its job's completion deletes it. */
    BUSY
  }

  /** A VM relabelled by others more often than this in one retirement is left for the next. */
  private static final int ROUNDS = 3;

  private final RunnerMachines machines;
  private final RunnerRegistry github;

  public MachineRetirement(RunnerMachines machines, RunnerRegistry github) {
    this.machines = machines;
    this.github = github;
  }

  /**
   * @param listed the runner of the VM's name as GitHub listed it, if known; the VM's own record of
   *     its runner comes first
   * @param regardless delete even when the runner took a job (a VM that cannot run one anyway:
   *     stopped, past its lifetime)
   */
  public Result retire(Machine vm, Optional<GitHubRunner> listed, boolean regardless) {
    Machine current = vm;
    Optional<GitHubRunner> known = listed;
    for (int round = 0; round < ROUNDS; round++) {
      OptionalLong runner = runnerOf(current, known);
      if (runner.isEmpty()) {
        if (!current.retiring()
            && !machines.relabel(current, Map.of(MachineLabels.RETIRING, "true"))) {
          // Its runner was handed out (or another retirement marked it) since it was read.
          Optional<Machine> again = machines.find(current.name());
          if (again.isEmpty()) {
            return Result.GONE;
          }
          current = again.get();
          known = Optional.empty();
          continue;
        }
      } else if (current.runnerScope().isPresent()) {
        try {
          github.deleteRunner(current.runnerScope().get(), runner.getAsLong());
        } catch (GitHubException.Permanent tookAJob) {
          if (!regardless) {
            return Result.BUSY;
          }
        }
      }
      return machines.delete(current) ? Result.DELETED : Result.GONE;
    }
    return Result.BUSY;
  }

  private static OptionalLong runnerOf(Machine vm, Optional<GitHubRunner> listed) {
    OptionalLong recorded = vm.runnerId();
    if (recorded.isPresent()) {
      return recorded;
    }
    return listed.map(r -> OptionalLong.of(r.id())).orElse(OptionalLong.empty());
  }
}
