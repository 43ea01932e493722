package io.autorunner.handler.reconcile;

import io.autorunner.common.logging.LogContext;
import io.autorunner.common.logging.LogFields;
import io.autorunner.common.logging.TraceContext;
import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.task.MachineLog;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.task.RunnerOwnership;
import io.autorunner.handler.task.TaskOutcome;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges on the truth whichever event went missing: a lost webhook, a VM that never booted, a
 * runner another job took, a preempted VM, a create that overshot the cap. It reads first ({@link
 * SweepReader}), then judges each VM ({@link MachineVerdict}), takes back VMs over the cap ({@link
 * CapBackstop}), removes runners with no VM ({@link OrphanRunners}) and serves jobs nobody serves
 * ({@link UnservedJobs}). It remembers nothing between runs: what it needs is read from GCE and
 * GitHub, or from the shared ledger, so overlapping runs on several instances agree, and every
 * action is idempotent.
 */
public class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final GitHubActions github;
  private final ReconcileProperties settings;
  private final SweepSources sources;
  private final Clock clock;
  private final SweepReader reader;
  private final VmRetirement retirement;
  private final CapBackstop cap;
  private final OrphanRunners orphans;
  private final UnservedJobs unserved;
  private final TakenRunnerCheck taken;

  public Reconciler(
      RunnerMachines machines,
      GitHubActions github,
      RunnerLifecycle lifecycle,
      ReplacementLedger ledger,
      InstanceNaming naming,
      ReconcileProperties settings,
      RoutingRules routing,
      int maxInstances,
      Duration capSettle,
      SweepSources sources,
      Clock clock,
      MachineLog machineLog) {
    this.github = github;
    this.settings = settings;
    this.sources = sources;
    this.clock = clock;
    Replacements replacements =
        new Replacements(lifecycle, ledger, naming, settings.maxReplacementsPerJob());
    this.reader = new SweepReader(machines, github, naming, sources);
    this.retirement = new VmRetirement(machines, github, machineLog);
    this.cap = new CapBackstop(maxInstances, capSettle);
    this.orphans = new OrphanRunners(github, naming, settings.orphanRunnerGrace());
    this.unserved = new UnservedJobs(replacements, settings, routing);
    this.taken =
        new TakenRunnerCheck(machines, github, replacements, settings.bootTimeout(), clock);
  }

  public ReconcileReport reconcile() {
    try (TraceContext.Scope work = LogContext.with(LogFields.TRIGGER, "reconcile")) {
      ReconcileReport report = new ReconcileReport();
      String calls = sources.measured(() -> sweep(report));
      report.note("githubCalls", calls);
      log.info("reconcile: {}", report.summary());
      return report;
    }
  }

  private void sweep(ReconcileReport report) {
    Instant now = clock.instant();
    SweepView view = reader.read(report);
    List<Machine> kept = new ArrayList<>();
    for (Machine vm : view.vms()) {
      Optional<GitHubRunner> runner = view.runnerOf(vm);
      MachineVerdict verdict = judge(vm, runner, now, report);
      if (verdict instanceof MachineVerdict.Delete delete) {
        retirement.retire(vm, runner, delete.reason(), report, delete.regardless());
      } else if (verdict instanceof MachineVerdict.Keep keep) {
        report.kept(vm.name(), keep.reason());
        kept.add(vm);
      }
    }
    for (Machine vm : cap.overCap(kept, view, now)) {
      retirement.retire(vm, view.runnerOf(vm), cap.reason(), report, false);
    }
    orphans.remove(view, waitingJobs(view.queued(), report), now, report);
    unserved.serve(view, now, report);
    report.note("redelivered", sources.redeliverFailedWebhooks());
  }

  private MachineVerdict judge(
      Machine vm, Optional<GitHubRunner> runner, Instant now, ReconcileReport report) {
    boolean runnersKnown =
        vm.job().map(job -> !report.failedScope(RunnerOwnership.scope(job))).orElse(true);
    return MachineVerdict.of(
        vm,
        runner,
        now,
        settings,
        runnersKnown,
        () -> vm.job().map(this::stillAwaitingRunner).orElse(false));
  }

  /** See {@link TakenRunnerCheck}. */
  public TaskOutcome replaceIfTaken(RunnerTask.CheckRunner task) {
    return taken.check(task);
  }

  private boolean stillAwaitingRunner(JobRef job) {
    try {
      return github.job(job).map(JobStatus::awaitingRunner).orElse(false);
    } catch (GitHubException e) {
      // Unknown is not "over": keep the VM this time.
      return true;
    }
  }

  /** The ids of jobs awaiting a runner, when the sweep saw every repository; else unknown. */
  private Optional<Set<Long>> waitingJobs(List<QueuedJob> queued, ReconcileReport report) {
    if (!sources.coversEveryRepository() || report.queuedListingFailed()) {
      return Optional.empty();
    }
    Set<Long> ids = new HashSet<>();
    queued.forEach(q -> ids.add(q.job().jobId()));
    return Optional.of(ids);
  }
}
