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
import io.autorunner.handler.pool.Pool;
import io.autorunner.handler.pool.PoolPlan;
import io.autorunner.handler.task.MachineLog;
import io.autorunner.handler.task.PoolTopUp;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.task.RunnerOwnership;
import io.autorunner.handler.task.TaskOutcome;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
  private final RunnerMachines machines;
  private final InstanceNaming naming;
  private final ReconcileProperties settings;
  private final SweepSources sources;
  private final Clock clock;
  private final SweepReader reader;
  private final VmRetirement retirement;
  private final CapBackstop cap;
  private final OrphanRunners orphans;
  private final UnservedJobs unserved;
  private final TakenRunnerCheck taken;
  private final PoolTopUp pools;

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
      PoolTopUp pools,
      Clock clock,
      MachineLog machineLog) {
    this.github = github;
    this.machines = machines;
    this.naming = naming;
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
    this.pools = pools;
    this.taken =
        new TakenRunnerCheck(
            machines, github, replacements, settings.bootTimeout(), pools, naming, clock);
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
    sources.checkRunnerGroups().forEach(line -> report.note("runnerGroup", line));
    SweepView view = reader.read(report);
    report.found(view.vms().size(), view.runners().size(), view.queued().size());
    List<Machine> kept = new ArrayList<>();
    Map<Machine, String> spare = new LinkedHashMap<>();
    for (Machine vm : view.vms()) {
      Optional<GitHubRunner> runner = view.runnerOf(vm);
      MachineVerdict verdict = judge(vm, runner, now, report);
      if (verdict instanceof MachineVerdict.Delete delete) {
        retirement.retire(vm, runner, delete.reason(), report, delete.regardless());
      } else if (verdict instanceof MachineVerdict.Spare s) {
        spare.put(vm, s.reason());
      } else if (verdict instanceof MachineVerdict.Keep keep) {
        report.kept(vm.name(), keep.reason());
        kept.add(vm);
      }
    }
    kept.addAll(adoptSpares(spare, kept, view, report));
    spare.forEach((vm, why) -> retirement.retire(vm, view.runnerOf(vm), why, report, false));
    for (Machine vm : cap.overCap(kept, view, now)) {
      retirement.retire(vm, view.runnerOf(vm), cap.reason(), report, false);
    }
    keepPools(view, report);
    orphans.remove(view, waitingJobs(view.queued(), report), now, report);
    unserved.serve(view, now, report);
    report.note("redelivered", sources.redeliverFailedWebhooks());
  }

  /**
   * Spare job VMs a short warm pool fits become its refills instead of going (removed from {@code
   * spare}); the adopted ones are returned, as they now stand.
   */
  private List<Machine> adoptSpares(
      Map<Machine, String> spare, List<Machine> kept, SweepView view, ReconcileReport report) {
    List<Machine> adopted = new ArrayList<>();
    for (Pool pool : pools.pools().all()) {
      List<Machine> standing = new ArrayList<>(kept);
      standing.addAll(spare.keySet());
      int missing =
          PoolPlan.of(pool, standing, runnersByName(view), naming, clock.instant()).create().size();
      for (Machine vm : List.copyOf(spare.keySet())) {
        if (missing == 0) {
          break;
        }
        try {
          if (pools.adopt(pool, vm)) {
            spare.remove(vm);
            missing--;
            report.kept(vm.name(), "adopted by warm pool " + pool.name());
            machines.find(vm.name()).ifPresent(adopted::add);
          }
        } catch (ComputeException e) {
          report.failed(vm.name(), "adopt into pool " + pool.name() + ": " + e.getMessage());
        }
      }
    }
    return adopted;
  }

  /**
   * Each pool topped up, recycled or drained, from one fresh listing (after this sweep's deletes).
   */
  private void keepPools(SweepView view, ReconcileReport report) {
    if (pools.pools().isEmpty()) {
      return;
    }
    List<Machine> listed;
    try {
      listed = machines.list();
    } catch (ComputeException e) {
      report.failed("pools", "list VMs: " + e.getMessage());
      return;
    }
    for (Pool pool : pools.pools().all()) {
      PoolTopUp.Result result = pools.keep(pool, listed, runnersByName(view));
      result.created().forEach(name -> report.createdVm(name, "warm pool " + pool.name()));
      result.retired().forEach((name, why) -> report.deletedVm(name, why));
      result.problems().forEach(problem -> report.failed("pool " + pool.name(), problem));
    }
  }

  private static Map<String, GitHubRunner> runnersByName(SweepView view) {
    Map<String, GitHubRunner> runners = new LinkedHashMap<>();
    view.runners().forEach((name, scoped) -> runners.put(name, scoped.runner()));
    return runners;
  }

  private MachineVerdict judge(
      Machine vm, Optional<GitHubRunner> runner, Instant now, ReconcileReport report) {
    boolean runnersKnown =
        vm.runnerScope()
            .map(scope -> !report.failedScope(RunnerOwnership.scope(scope)))
            .orElse(true);
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
