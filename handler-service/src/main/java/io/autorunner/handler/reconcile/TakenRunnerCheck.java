package io.autorunner.handler.reconcile;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.pool.Pool;
import io.autorunner.handler.task.PoolTopUp;
import io.autorunner.handler.task.RunnerOwnership;
import io.autorunner.handler.task.TaskFailures;
import io.autorunner.handler.task.TaskOutcome;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check-runner task: the job a VM was made for gets a replacement VM if it still queues while
 * that VM no longer serves it (its runner busy with another job). Called when another job started
 * on the runner, and some minutes after each VM was asked for. Bounded like the sweep.
 */
final class TakenRunnerCheck {

  private static final Logger log = LoggerFactory.getLogger(TakenRunnerCheck.class);

  private final RunnerMachines machines;
  private final GitHubActions github;
  private final Replacements replacements;
  private final Duration bootTimeout;
  private final PoolTopUp pools;
  private final InstanceNaming naming;
  private final Clock clock;

  TakenRunnerCheck(
      RunnerMachines machines,
      GitHubActions github,
      Replacements replacements,
      Duration bootTimeout,
      PoolTopUp pools,
      InstanceNaming naming,
      Clock clock) {
    this.machines = machines;
    this.github = github;
    this.replacements = replacements;
    this.bootTimeout = bootTimeout;
    this.pools = pools;
    this.naming = naming;
    this.clock = clock;
  }

  TaskOutcome check(RunnerTask.CheckRunner task) {
    Optional<Machine> pooled = machines.find(task.runnerName()).filter(vm -> vm.pool().isPresent());
    if (pooled.isPresent()) {
      Optional<String> notOurs = RunnerOwnership.notOurs(pooled.get(), task.job(), task.runnerId());
      if (notOurs.isPresent()) {
        return TaskOutcome.refused("not our runner: " + notOurs.get());
      }
      return TaskFailures.typed(() -> refill(task, pooled.get()));
    }
    Optional<Machine> found = machines.find(task.runnerName()).filter(vm -> vm.job().isPresent());
    if (found.isEmpty()) {
      return TaskOutcome.done("VM " + task.runnerName() + " is gone or says not whose it is");
    }
    Machine vm = found.get();
    Optional<String> notOurs = RunnerOwnership.notOurs(vm, task.job(), task.runnerId());
    if (notOurs.isPresent()) {
      return TaskOutcome.refused("not our runner: " + notOurs.get());
    }
    return TaskFailures.typed(() -> replaceFor(task, vm));
  }

  /**
   * A job took a warm pool's runner: the VM its own create made, if there is one yet, becomes the
   * pool's refill; the pool is then topped up to what it wants (a delivery repeated, or racing the
   * sweep, finds it topped up already).
   */
  private TaskOutcome refill(RunnerTask.CheckRunner task, Machine taken) {
    Optional<Pool> pool = pools.pools().of(taken);
    if (pool.isEmpty()) {
      return TaskOutcome.done(
          "VM " + taken.name() + " is of pool " + taken.pool().orElseThrow() + ", not configured");
    }
    JobRef job = task.job();
    String own =
        naming.instanceName(job.jobId(), job.runAttempt(), OperatingSystem.of(pool.get().labels()));
    String took =
        "job " + job.jobId() + " took runner " + taken.name() + " of pool " + pool.get().name();
    boolean ranOnItsOwn = own.equals(taken.name());
    Optional<Machine> ownVm = ranOnItsOwn ? Optional.empty() : machines.find(own);
    if (!ranOnItsOwn && ownVm.isEmpty() && pools.beingCreated(own)) {
      // Its create is walking zones or waiting on the insert: that VM is the refill, once it is
      // there. Cloud Tasks' backoff brings this task back; the sweep tops up should it never land.
      return TaskOutcome.retry(
          took + "; its own VM " + own + " is still being made, to be the refill");
    }
    boolean adopted = ownVm.map(vm -> pools.adopt(pool.get(), vm)).orElse(false);
    PoolTopUp.Result kept = pools.keep(pool.get());
    return TaskOutcome.done(
        took + (adopted ? "; its own VM " + own + " is the refill" : "") + "; " + kept);
  }

  /**
   * {@code victim}: the job the VM was made for. Another job took its runner (in_progress), or this
   * is the delayed check of the job's own VM, enqueued when the VM was asked for.
   */
  private TaskOutcome replaceFor(RunnerTask.CheckRunner task, Machine vm) {
    JobRef victim = vm.job().orElseThrow();
    if (!github.job(victim).map(JobStatus::awaitingRunner).orElse(false)) {
      return TaskOutcome.done("job " + victim.jobId() + " no longer queues; nothing to replace");
    }
    // The labels the VM's runner registers with, from the VM itself; a VM made before they were
    // written there has them on its runner.
    Optional<List<String>> labels =
        Optional.of(vm.runnerLabels())
            .filter(l -> !l.isEmpty())
            .or(
                () ->
                    github
                        .findRunner(victim, task.runnerName())
                        .map(GitHubRunner::labels)
                        .filter(l -> !l.isEmpty()));
    if (labels.isEmpty()) {
      return TaskOutcome.done("runner " + task.runnerName() + " has no labels to copy");
    }
    List<Machine> own =
        machines.list().stream()
            .filter(m -> m.job().map(JobRef::jobId).orElse(-1L) == victim.jobId())
            .toList();
    Instant now = clock.instant();
    for (Machine other : own) {
      if (Serving.serves(other, github.findRunner(victim, other.name()), now, bootTimeout)) {
        return TaskOutcome.done("job " + victim.jobId() + " is served by " + other.name());
      }
    }
    Optional<Replacements.Attempt> attempt = replacements.replace(victim, labels.get(), own);
    if (attempt.isEmpty()) {
      return TaskOutcome.done("job " + victim.jobId() + ": replacement bound reached");
    }
    if (attempt.get().created()) {
      log.info(
          "job {} took runner {}; job {} gets replacement {}",
          task.job().jobId(),
          task.runnerName(),
          victim.jobId(),
          attempt.get().name());
    }
    return attempt.get().outcome();
  }
}
