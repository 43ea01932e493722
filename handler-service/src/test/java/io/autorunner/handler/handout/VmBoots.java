package io.autorunner.handler.handout;

import io.autorunner.handler.auth.InstanceIdentityVerifier;
import io.autorunner.handler.auth.InstanceTokens;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * A runner VM's startup script asking for its runner once the VM has booted, as on GCE: with the
 * instance identity token its metadata server signs, through the real {@link RunnerHandout}. For
 * the tests of whatever happens to a VM after it got its runner.
 */
public final class VmBoots {

  /** The handout's window: the reconciler's default boot timeout. */
  public static final Duration WINDOW = Duration.ofMinutes(10);

  /** A cap no test of the lifecycle reaches through the handout. */
  static final int NO_CAP = 1000;

  private final RunnerMachines machines;
  private final RunnerHandout handout;
  private final Clock clock;

  public VmBoots(RunnerMachines machines, RunnerRegistry github, Clock clock) {
    this.machines = machines;
    this.clock = clock;
    this.handout = handout(machines, github, clock);
  }

  /** The real handout, trusting the test key's instance tokens for the test project. */
  static RunnerHandout handout(RunnerMachines machines, RunnerRegistry github, Clock clock) {
    return new RunnerHandout(
        Optional.of(
            InstanceIdentityVerifier.signedBy(
                InstanceTokens.googleKeys(),
                InstanceTokens.AUDIENCE,
                InstanceTokens.PROJECT,
                Optional.of(InstanceTokens.RUNNERS_ACCOUNT),
                clock)),
        machines,
        github,
        WINDOW,
        NO_CAP,
        clock);
  }

  /** The VM asks for its runner and gets it; returns the runner's id, as recorded on the VM. */
  public long askForRunner(String name) {
    Machine vm = machines.find(name).orElseThrow(() -> new AssertionError("no VM " + name));
    String token =
        InstanceTokens.sign(
            InstanceTokens.claims(clock.instant(), vm.zone(), name, vm.instanceId()).build());
    HandoutAnswer answer = handout.handOut(InstanceTokens.bearer(token), null);
    if (!answer.handedOut()) {
      throw new AssertionError(
          "VM " + name + " was refused its runner: " + answer.status() + " " + answer.reason());
    }
    return machines.find(name).orElseThrow().runnerId().orElseThrow();
  }
}
