package io.autorunner.handler.reconcile;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.RunnerRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A runner of ours with no VM behind it goes. Runners are minted only for a VM that exists and asks
 * for one, so such a runner outlived its VM (deleted, preempted) or was left by a handout that
 * failed half-way; past {@code orphan-runner-grace} it is dead, whatever its job does. The time
 * comes from the runner's own label, so every instance, and a restarted one, judges alike. When the
 * sweep saw every repository, a runner whose job waits no more goes at once (past a minute, so a
 * handout that just minted it is not overtaken).
 */
final class OrphanRunners {

  /** A runner minted this recently may belong to a handout between its mint and its record. */
  private static final Duration MIN_AGE = Duration.ofMinutes(1);

  private final RunnerRegistry github;
  private final InstanceNaming naming;
  private final Duration grace;

  OrphanRunners(RunnerRegistry github, InstanceNaming naming, Duration grace) {
    this.github = github;
    this.naming = naming;
    this.grace = grace;
  }

  /**
   * @param waiting the ids of jobs awaiting a runner, when the sweep saw every repository
   */
  void remove(SweepView view, Optional<Set<Long>> waiting, Instant now, ReconcileReport report) {
    Set<String> vmNames = new HashSet<>();
    view.vms().forEach(vm -> vmNames.add(vm.name()));
    for (ScopedRunner scoped : view.runners().values()) {
      GitHubRunner runner = scoped.runner();
      if (vmNames.contains(runner.name()) || runner.busy()) {
        continue;
      }
      if (mayStillBeInserted(runner, waiting, now)) {
        report.kept(runner.name(), "runner without VM, its create may still be inserting it");
        continue;
      }
      try {
        github.deleteRunner(scoped.scope(), runner.id());
        report.deletedRunner(runner.name(), "registered with no VM behind it");
      } catch (GitHubException e) {
        report.failed(runner.name(), "delete runner: " + e.getMessage());
      }
    }
  }

  private boolean mayStillBeInserted(
      GitHubRunner runner, Optional<Set<Long>> waiting, Instant now) {
    if (runner.mintedAt().isEmpty()) {
      return false; // minted before runners carried their mint time: long ago
    }
    Duration age = Duration.between(runner.mintedAt().get(), now);
    OptionalLong job = naming.jobIdOf(runner.name());
    boolean jobOver =
        waiting.isPresent()
            && job.isPresent()
            && !waiting.get().contains(job.getAsLong())
            && age.compareTo(MIN_AGE) > 0;
    return !jobOver && age.compareTo(grace) < 0;
  }
}
