package io.autorunner.handler.reconcile;

import io.autorunner.common.routing.RoutingRules;
import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.ledger.LedgerUnavailableException;
import io.autorunner.handler.vm.Machine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Jobs queued past the grace period with no VM booting or idle for them: the lost-webhook and
 * stolen-runner cases. Bounded per job (in the shared ledger) and per run.
 */
final class UnservedJobs {

  private final Replacements replacements;
  private final ReconcileProperties settings;
  private final RoutingRules routing;

  /**
   * @param routing whose trigger labels make a queued job ours
   */
  UnservedJobs(Replacements replacements, ReconcileProperties settings, RoutingRules routing) {
    this.replacements = replacements;
    this.settings = settings;
    this.routing = routing;
  }

  void serve(SweepView view, Instant now, ReconcileReport report) {
    Map<Long, List<Machine>> vmsByJob = new HashMap<>();
    for (Machine vm : view.vms()) {
      if (vm.job().isPresent()) {
        vmsByJob.computeIfAbsent(vm.job().get().jobId(), id -> new ArrayList<>()).add(vm);
      }
    }
    int created = 0;
    for (QueuedJob job : view.queued()) {
      if (!routing.triggeredBy(job.labels())
          || Duration.between(job.createdAt(), now).compareTo(settings.queuedGrace()) < 0) {
        continue;
      }
      List<Machine> own = vmsByJob.getOrDefault(job.job().jobId(), List.of());
      if (own.stream()
          .anyMatch(vm -> Serving.serves(vm, view.runnerOf(vm), now, settings.bootTimeout()))) {
        continue;
      }
      if (created >= settings.maxCreatesPerRun()) {
        report.skipped(job.job().jobId(), "autorunner.reconcile.max-creates-per-run reached");
        continue;
      }
      if (replace(job, own, report)) {
        created++;
      }
    }
  }

  /** One replacement; true when it made a VM. */
  private boolean replace(QueuedJob job, List<Machine> own, ReconcileReport report) {
    try {
      Optional<Replacements.Attempt> attempt = replacements.replace(job.job(), job.labels(), own);
      if (attempt.isEmpty()) {
        report.skipped(job.job().jobId(), "replacement bound reached");
        return false;
      }
      if (attempt.get().created()) {
        report.createdVm(
            attempt.get().name(), "job " + job.job().jobId() + " queued with no VM serving it");
        return true;
      }
      report.failed(attempt.get().name(), "create: " + attempt.get().outcome().reason());
    } catch (LedgerUnavailableException e) {
      report.failed("job " + job.job().jobId(), "replacement ledger: " + e.getMessage());
    }
    return false;
  }
}
