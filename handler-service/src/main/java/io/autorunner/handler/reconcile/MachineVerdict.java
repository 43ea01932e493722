package io.autorunner.handler.reconcile;

import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.vm.Machine;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Keep or delete one VM, from what the sweep read about it: a pure function of its inputs. A VM
 * whose runner is busy always stays; one that cannot run a job anyway (stopped, past its lifetime)
 * goes even when its runner cannot be removed first. A warm pool's idle VM stays here; its pool's
 * plan decides whether it is recycled or surplus.
 */
sealed interface MachineVerdict {

  /** The VM stays, for this reason. */
  record Keep(String reason) implements MachineVerdict {}

  /**
   * The VM goes, for this reason; {@code regardless} of whether its runner can be removed first.
   */
  record Delete(String reason, boolean regardless) implements MachineVerdict {}

  /**
   * The VM's runner idles and its job no longer waits: it goes, unless a warm pool it fits takes it
   * as a refill.
   */
  record Spare(String reason) implements MachineVerdict {}

  /**
   * @param runnersKnown whether the runners of the VM's scope could be listed
   * @param jobAwaitingRunner asked only when the answer matters: whether the VM's job still waits
   */
  static MachineVerdict of(
      Machine vm,
      Optional<GitHubRunner> runner,
      Instant now,
      ReconcileProperties settings,
      boolean runnersKnown,
      BooleanSupplier jobAwaitingRunner) {
    Duration age = vm.age(now);
    if (vm.stopped()) {
      return new Delete("stopped (" + vm.status() + ")", true);
    }
    if (age.compareTo(settings.maxLifetime()) > 0) {
      return new Delete(
          "older than autorunner.reconcile.max-lifetime " + settings.maxLifetime(), true);
    }
    if (runner.isPresent() && runner.get().busy()) {
      return new Keep("runner busy");
    }
    if (vm.retiring() && vm.runnerId().isEmpty()) {
      // Claimed by a retirement whose delete failed (or is still under way): the claim means it
      // gets no runner ever, so nothing is lost by deleting it now rather than past its boot
      // window.
      return new Delete("retired, but its delete had not finished", false);
    }
    if (age.compareTo(settings.bootTimeout()) < 0) {
      return new Keep("inside its boot window");
    }
    if (!runnersKnown) {
      return new Keep("its runners could not be listed");
    }
    if (runner.isEmpty()) {
      return new Delete("its runner finished or never registered", false);
    }
    if (!runner.get().online()) {
      return new Delete("its runner is offline past the boot window", false);
    }
    if (vm.pool().isPresent()) {
      return new Keep("idle in warm pool " + vm.pool().get());
    }
    if (vm.job().isPresent() && jobAwaitingRunner.getAsBoolean()) {
      return new Keep("idle runner, its job is still queued");
    }
    return new Spare("its runner is idle and its job is no longer queued");
  }
}
