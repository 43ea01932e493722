package io.autorunner.handler.reconcile;

import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.vm.Machine;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Whether a VM is, or will be, there for its own job. */
final class Serving {

  private Serving() {}

  /**
   * True when the VM is booting, or has an idle runner online. A busy runner on a VM made for a job
   * that still queues was taken by another job.
   */
  static boolean serves(
      Machine vm, Optional<GitHubRunner> runner, Instant now, Duration bootTimeout) {
    boolean booting = vm.age(now).compareTo(bootTimeout) < 0;
    boolean taken = runner.map(GitHubRunner::busy).orElse(false);
    return !vm.stopped() && !taken && (booting || runner.map(GitHubRunner::online).orElse(false));
  }
}
