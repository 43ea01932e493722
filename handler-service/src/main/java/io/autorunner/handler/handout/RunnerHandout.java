package io.autorunner.handler.handout;

import io.autorunner.common.naming.Rfc1035Name;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.task.RepositoryScope;
import io.autorunner.handler.auth.CallerCheck;
import io.autorunner.handler.auth.InstanceCheck;
import io.autorunner.handler.auth.InstanceIdentity;
import io.autorunner.handler.auth.InstanceIdentityVerifier;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.JitRunner;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.task.InstanceCap;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands a booted VM its runner, once. The VM's instance identity token says which VM asks (Google
 * signs it; only code on that VM can get it); the VM itself, as GCE lists it, says whether it may
 * have one: ours, that very instance id, running, inside its boot window, not being retired, and
 * not handed a runner before. The runner is then minted and recorded on the VM with the label
 * fingerprint it was read with, so of two calls for one VM on any two handler instances, or a call
 * and a retirement, exactly one wins; only the winner's config is returned.
 */
public final class RunnerHandout {

  private static final Logger log = LoggerFactory.getLogger(RunnerHandout.class);

  private final Optional<InstanceIdentityVerifier> verifier;
  private final RunnerMachines machines;
  private final RunnerRegistry github;
  private final Duration window;
  private final InstanceCap cap;
  private final Clock clock;

  /**
   * @param verifier empty when no project is configured (dry-run): every VM is then refused
   * @param window how long after its creation a VM may ask
   * @param maxInstances the cap: a VM ranked past it in GCE's creation order gets no runner (yet)
   */
  public RunnerHandout(
      Optional<InstanceIdentityVerifier> verifier,
      RunnerMachines machines,
      RunnerRegistry github,
      Duration window,
      int maxInstances,
      Clock clock) {
    this.verifier = Objects.requireNonNull(verifier, "verifier");
    this.machines = Objects.requireNonNull(machines, "machines");
    this.github = Objects.requireNonNull(github, "github");
    this.window = Objects.requireNonNull(window, "window");
    this.cap = new InstanceCap(maxInstances);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The answer to a VM's request, with its {@code Authorization} headers as received. */
  HandoutAnswer handOut(String authorization, String serverlessAuthorization) {
    if (verifier.isEmpty()) {
      return HandoutAnswer.forbidden("no autorunner.gce.project: no VM can prove it is ours");
    }
    InstanceCheck check = verifier.get().verify(authorization, serverlessAuthorization);
    if (check instanceof InstanceCheck.Refused refused) {
      return refusal(refused.refusal());
    }
    InstanceIdentity asking = ((InstanceCheck.Verified) check).instance();
    try {
      return handOut(asking);
    } catch (ComputeException | GitHubException e) {
      return HandoutAnswer.retryLater("VM " + asking + ": " + e.getMessage());
    }
  }

  private HandoutAnswer handOut(InstanceIdentity asking) {
    if (!Rfc1035Name.matches(asking.instanceName())) {
      return HandoutAnswer.forbidden("VM " + asking + ": not a name of ours");
    }
    // One listing serves both the VM's own checks and the cap.
    List<Machine> listed = machines.list();
    Optional<Machine> found =
        listed.stream().filter(m -> m.name().equals(asking.instanceName())).findFirst();
    if (found.isEmpty()) {
      return HandoutAnswer.forbidden("VM " + asking + ": not a VM autorunner manages");
    }
    Machine vm = found.get();
    Optional<HandoutAnswer> refused = mayHaveRunner(vm, asking);
    if (refused.isPresent()) {
      return refused.get();
    }
    // A VM over the cap is about to be taken back; with a runner it could take a job first, and
    // then it could not be. Its rank only improves, so it asks again (503) and may yet be served.
    Optional<String> over = cap.overflowing(vm.name(), listed);
    if (over.isPresent()) {
      return HandoutAnswer.retryLater("VM " + asking + ": over the cap (" + over.get() + ")");
    }
    RepositoryScope scope = vm.runnerScope().orElseThrow();
    JitRunner runner = github.createJitRunner(scope, vm.name(), vm.runnerLabels());
    boolean recorded;
    try {
      recorded =
          machines.relabel(vm, Map.of(MachineLabels.RUNNER_ID, Long.toString(runner.runnerId())));
    } catch (ComputeException e) {
      dropRunner(vm, runner);
      throw e;
    }
    if (!recorded) {
      // Another call for this VM, or a retirement, changed its labels since it was read.
      dropRunner(vm, runner);
      return HandoutAnswer.spent(
          "VM " + asking + ": handed a runner or retired by another call meanwhile");
    }
    return HandoutAnswer.config(
        runner.encodedJitConfig(), "VM " + asking + " handed runner " + runner.runnerId());
  }

  /** Why this VM may not have a runner now, if it may not. */
  private Optional<HandoutAnswer> mayHaveRunner(Machine vm, InstanceIdentity asking) {
    if (!vm.zone().equals(asking.zone())) {
      return forbidden(asking, "our VM of that name runs in " + vm.zone());
    }
    if (vm.instanceId().isEmpty() || !vm.instanceId().equals(asking.instanceId())) {
      return forbidden(asking, "not the instance of that name autorunner made (id differs)");
    }
    if (vm.runnerScope().isEmpty()) {
      return forbidden(asking, "the VM names no job and no pool");
    }
    if (vm.status() != InstanceStatus.RUNNING) {
      return forbidden(asking, "the VM is " + vm.status());
    }
    Duration age = vm.age(clock.instant());
    if (age.compareTo(window) > 0) {
      return forbidden(
          asking, "past its boot window (" + age.toSeconds() + " s old, window " + window + ")");
    }
    if (vm.runnerId().isPresent()) {
      return Optional.of(
          HandoutAnswer.spent(
              "VM " + asking + ": had its runner (" + vm.runnerId().getAsLong() + ") already"));
    }
    if (vm.retiring()) {
      return Optional.of(HandoutAnswer.spent("VM " + asking + ": being retired"));
    }
    List<String> labels = vm.runnerLabels();
    // The metadata was written by us, but it is read back: hold it to the label grammar anyway.
    if (labels.isEmpty() || !labels.stream().allMatch(LabelPolicy::isGrammatical)) {
      return forbidden(asking, "the VM carries no usable runner labels");
    }
    return Optional.empty();
  }

  private void dropRunner(Machine vm, JitRunner runner) {
    try {
      github.deleteRunner(vm.runnerScope().orElseThrow(), runner.runnerId());
    } catch (GitHubException e) {
      // Not fatal: the config is never handed out, and the reconciler removes a runner whose VM
      // records none once its grace is over.
      log.warn(
          "could not remove runner {} of VM {}: {}", runner.runnerId(), vm.name(), e.getMessage());
    }
  }

  private static Optional<HandoutAnswer> forbidden(InstanceIdentity asking, String why) {
    return Optional.of(HandoutAnswer.forbidden("VM " + asking + ": " + why));
  }

  private static HandoutAnswer refusal(CallerCheck.Refused refused) {
    if (refused instanceof CallerCheck.Unavailable) {
      return HandoutAnswer.retryLater(refused.reason());
    }
    if (refused instanceof CallerCheck.Forbidden) {
      return HandoutAnswer.forbidden(refused.reason());
    }
    return HandoutAnswer.unauthenticated(refused.reason());
  }
}
