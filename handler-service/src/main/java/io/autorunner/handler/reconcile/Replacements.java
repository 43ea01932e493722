package io.autorunner.handler.reconcile;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.ledger.JobReplacements;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.task.TaskOutcome;
import io.autorunner.handler.vm.Machine;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One more VM for a job nobody serves, within its bound. The bound and the names ever used live in
 * the shared ledger, so every handler instance, and a restarted one, sees the same: a broken job
 * cannot get fresh VMs after each restart. Only VMs actually created count, and a VM that ran
 * another job is refunded. Names are never reused, so a late delivery about an earlier VM cannot
 * hit a newer one of the same name.
 */
final class Replacements {

  private final RunnerLifecycle lifecycle;
  private final ReplacementLedger ledger;
  private final InstanceNaming naming;
  private final int maxPerJob;

  Replacements(
      RunnerLifecycle lifecycle, ReplacementLedger ledger, InstanceNaming naming, int maxPerJob) {
    this.lifecycle = lifecycle;
    this.ledger = ledger;
    this.naming = naming;
    this.maxPerJob = maxPerJob;
  }

  /** What came of one try. */
  record Attempt(String name, TaskOutcome outcome) {
    boolean created() {
      return outcome.vmCreated();
    }
  }

  /**
   * Creates a VM for {@code job} with {@code labels}, or says why not.
   *
   * @param own the job's VMs that exist now
   * @return empty when the bound is reached or no name is left
   */
  Optional<Attempt> replace(JobRef job, List<String> labels, List<Machine> own) {
    JobReplacements spent = ledger.of(job.jobId());
    if (spent.counted() >= maxPerJob) {
      return Optional.empty();
    }
    Optional<String> name = freeName(job, labels, own, spent);
    if (name.isEmpty()) {
      return Optional.empty();
    }
    TaskOutcome outcome = lifecycle.create(new RunnerTask.CreateRunner(job, labels, name.get()));
    if (outcome.vmCreated()) {
      ledger.spent(job.jobId(), name.get());
    }
    return Optional.of(new Attempt(name.get(), outcome));
  }

  /** The original name when it is free, else the first replacement name never used. */
  private Optional<String> freeName(
      JobRef job, List<String> labels, List<Machine> own, JobReplacements spent) {
    String original =
        naming.instanceName(job.jobId(), job.runAttempt(), OperatingSystem.of(labels));
    Set<String> used = new HashSet<>(spent.names());
    own.forEach(vm -> used.add(vm.name()));
    // The original name only for a job that never had a VM from us (its webhook was lost): once
    // replacements exist, the original was used too.
    if (spent.names().isEmpty() && !used.contains(original)) {
      return Optional.of(original);
    }
    for (int n = 1; n <= 99; n++) {
      String candidate = naming.replacementName(original, n);
      if (!used.contains(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
