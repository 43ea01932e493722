package io.autorunner.handler.reconcile;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.ledger.LedgerUnavailableException;
import io.autorunner.handler.ledger.ReplacementLedger;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges on the truth whichever event went missing: a lost webhook, a VM that never booted, a
 * runner another job took, a preempted VM, a create that overshot the cap. It reads first (the VMs
 * we manage, our runners on GitHub, the jobs still queued in every repository it can see), then
 * deletes and creates the difference. It remembers nothing between runs: what it needs is read from
 * GCE and GitHub, or from the shared ledger, so overlapping runs on several instances agree, and
 * every action is idempotent.
 */
public class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** A runner minted this recently may belong to a create between its mint and its insert. */
  private static final Duration ORPHAN_MIN_AGE = Duration.ofMinutes(1);

  private final RunnerMachines machines;
  private final RunnerRegistry github;
  private final Replacements replacements;
  private final InstanceNaming naming;
  private final ReconcileProperties settings;
  private final int maxInstances;
  private final Duration capSettle;
  private final SweepSources sources;
  private final Clock clock;

  public Reconciler(
      RunnerMachines machines,
      RunnerRegistry github,
      RunnerLifecycle lifecycle,
      ReplacementLedger ledger,
      InstanceNaming naming,
      ReconcileProperties settings,
      int maxInstances,
      Duration capSettle,
      SweepSources sources,
      Clock clock) {
    this.machines = machines;
    this.github = github;
    this.replacements =
        new Replacements(lifecycle, ledger, naming, settings.maxReplacementsPerJob());
    this.naming = naming;
    this.settings = settings;
    this.maxInstances = maxInstances;
    this.capSettle = capSettle;
    this.sources = sources;
    this.clock = clock;
  }

  public ReconcileReport reconcile() {
    ReconcileReport report = new ReconcileReport();
    String calls = sources.measured(() -> sweep(report));
    report.note("githubCalls", calls);
    log.info("reconcile: {}", report.summary());
    return report;
  }

  private void sweep(ReconcileReport report) {
    Instant now = clock.instant();
    List<Machine> vms = machines.list();
    List<JobRef> repositories = repositories(vms);
    sources.checkRunnerGroups().forEach(line -> report.note("runnerGroup", line));
    Map<String, JobRef> scopes = scopes(vms, repositories);
    Map<String, ScopedRunner> runners = ourRunners(scopes.values(), report);
    List<QueuedJob> queued = queuedJobs(repositories, report);
    report.found(vms.size(), runners.size(), queued.size());

    List<Machine> kept = new ArrayList<>();
    for (Machine vm : vms) {
      ScopedRunner runner = runners.get(vm.name());
      if (!judge(vm, runner == null ? null : runner.runner(), now, report)) {
        kept.add(vm);
      }
    }
    enforceCap(kept, runners, now, report);
    removeOrphanRunners(vms, runners, waitingJobs(queued, report), now, report);
    serveUnservedJobs(vms, runners, queued, now, report);
    report.note("redelivered", sources.redeliverFailedWebhooks());
  }

  /** Keep, or delete with a reason; true when deleted. A VM whose runner is busy stays. */
  private boolean judge(Machine vm, GitHubRunner runner, Instant now, ReconcileReport report) {
    Duration age = Duration.between(vm.created(), now);
    boolean runnersKnown = vm.job() == null || !report.failedScope(scopeKey(vm.job()));
    String reason;
    if (vm.stopped()) {
      delete(vm, runner, "stopped (" + vm.status() + ")", report, true);
      return true;
    } else if (age.compareTo(settings.maxLifetime()) > 0) {
      String tooOld = "older than autorunner.reconcile.max-lifetime " + settings.maxLifetime();
      delete(vm, runner, tooOld, report, true);
      return true;
    } else if (runner != null && runner.busy()) {
      report.kept(vm.name(), "runner busy");
      return false;
    } else if (age.compareTo(settings.bootTimeout()) < 0) {
      report.kept(vm.name(), "inside its boot window");
      return false;
    } else if (!runnersKnown) {
      report.kept(vm.name(), "its runners could not be listed");
      return false;
    } else if (runner == null) {
      reason = "its runner finished or never registered";
    } else if (!runner.online()) {
      reason = "its runner is offline past the boot window";
    } else if (vm.job() != null && stillAwaitingRunner(vm.job())) {
      report.kept(vm.name(), "idle runner, its job is still queued");
      return false;
    } else {
      reason = "its runner is idle and its job is no longer queued";
    }
    delete(vm, runner, reason, report);
    return true;
  }

  /**
   * The cap's backstop: VMs past {@code max-instances}, newest first, that stood over it longer
   * than a create needs to notice and undo its own overshoot. Busy VMs are never touched.
   */
  private void enforceCap(
      List<Machine> vms, Map<String, ScopedRunner> runners, Instant now, ReconcileReport report) {
    List<Machine> running =
        vms.stream()
            .sorted(Comparator.comparing(Machine::created).thenComparing(Machine::name))
            .toList();
    for (Machine vm : running.subList(Math.min(maxInstances, running.size()), running.size())) {
      ScopedRunner runner = runners.get(vm.name());
      boolean busy = runner != null && runner.runner().busy();
      if (!busy && !vm.stopped() && Duration.between(vm.created(), now).compareTo(capSettle) > 0) {
        delete(
            vm,
            runner == null ? null : runner.runner(),
            "over autorunner.limits.max-instances=" + maxInstances,
            report);
      }
    }
  }

  /**
   * Deletes the VM, its runner first: GitHub refuses to remove a runner that took a job since it
   * was listed, and then the VM stays (deleting it would kill that job).
   */
  private void delete(Machine vm, GitHubRunner runner, String reason, ReconcileReport report) {
    delete(vm, runner, reason, report, false);
  }

  /** With {@code regardless}, a VM that cannot run a job anyway (stopped, too old) goes too. */
  private void delete(
      Machine vm, GitHubRunner runner, String reason, ReconcileReport report, boolean regardless) {
    try {
      if (runner != null && vm.job() != null) {
        try {
          github.deleteRunner(vm.job(), runner.id());
        } catch (GitHubException.Permanent tookAJob) {
          if (!regardless) {
            report.kept(vm.name(), "its runner took a job meanwhile");
            return;
          }
        }
      }
      if (machines.delete(vm.name())) {
        report.deletedVm(vm.name(), reason);
      } else {
        report.kept(vm.name(), "gone or being deleted by another caller");
      }
    } catch (ComputeException | GitHubException e) {
      report.failed(vm.name(), "delete: " + e.getMessage());
    }
  }

  /**
   * A runner of ours with no VM behind it goes once no create can still be inserting its VM: a
   * create registers the runner, then inserts within a few minutes, so a runner minted longer ago
   * than {@code orphan-runner-grace} with no VM is dead, whatever its job does. The time comes from
   * the runner's own label, so every instance, and a restarted one, judges alike. When the sweep
   * saw every repository, a runner whose job waits no more goes at once (past a minute, so a create
   * that just minted it is not overtaken).
   */
  private void removeOrphanRunners(
      List<Machine> vms,
      Map<String, ScopedRunner> runners,
      Optional<Set<Long>> waiting,
      Instant now,
      ReconcileReport report) {
    Set<String> vmNames = new HashSet<>();
    vms.forEach(vm -> vmNames.add(vm.name()));
    for (ScopedRunner scoped : runners.values()) {
      GitHubRunner runner = scoped.runner();
      if (vmNames.contains(runner.name()) || runner.busy()) {
        continue;
      }
      Duration age = runner.mintedAt().map(at -> Duration.between(at, now)).orElse(Duration.ZERO);
      boolean legacy = runner.mintedAt().isEmpty();
      java.util.OptionalLong job = naming.jobIdOf(runner.name());
      boolean jobOver =
          waiting.isPresent()
              && job.isPresent()
              && !waiting.get().contains(job.getAsLong())
              && age.compareTo(ORPHAN_MIN_AGE) > 0;
      if (!legacy && !jobOver && age.compareTo(settings.orphanRunnerGrace()) < 0) {
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

  /**
   * Jobs queued past the grace period with no VM booting or idle for them: the lost-webhook and
   * stolen-runner cases. Bounded per job (in the shared ledger) and per run.
   */
  private void serveUnservedJobs(
      List<Machine> vms,
      Map<String, ScopedRunner> runners,
      List<QueuedJob> queued,
      Instant now,
      ReconcileReport report) {
    Map<Long, List<Machine>> vmsByJob = new HashMap<>();
    for (Machine vm : vms) {
      if (vm.job() != null) {
        vmsByJob.computeIfAbsent(vm.job().jobId(), id -> new ArrayList<>()).add(vm);
      }
    }
    int created = 0;
    for (QueuedJob job : queued) {
      if (!triggered(job.labels())
          || Duration.between(job.createdAt(), now).compareTo(settings.queuedGrace()) < 0) {
        continue;
      }
      List<Machine> own = vmsByJob.getOrDefault(job.job().jobId(), List.of());
      if (own.stream().anyMatch(vm -> serving(vm, runnerOf(runners, vm), now))) {
        continue;
      }
      if (created >= settings.maxCreatesPerRun()) {
        report.skipped(job.job().jobId(), "autorunner.reconcile.max-creates-per-run reached");
        continue;
      }
      try {
        Optional<Replacements.Attempt> attempt = replacements.replace(job.job(), job.labels(), own);
        if (attempt.isEmpty()) {
          report.skipped(job.job().jobId(), "replacement bound reached");
        } else if (attempt.get().created()) {
          created++;
          report.createdVm(
              attempt.get().name(), "job " + job.job().jobId() + " queued with no VM serving it");
        } else {
          report.failed(attempt.get().name(), "create: " + attempt.get().outcome().reason());
        }
      } catch (LedgerUnavailableException e) {
        report.failed("job " + job.job().jobId(), "replacement ledger: " + e.getMessage());
      }
    }
  }

  /**
   * The job runner {@code task.runnerName()} was made for gets a replacement VM if it still queues
   * while that VM no longer serves it (its runner busy with another job). Called when another job
   * started on the runner, and some minutes after each VM was asked for. Bounded like the sweep.
   */
  public TaskOutcome replaceIfTaken(RunnerTask.CheckRunner task) {
    Machine vm = machines.find(task.runnerName()).orElse(null);
    if (vm == null || vm.job() == null) {
      return TaskOutcome.done("VM " + task.runnerName() + " is gone or says not whose it is");
    }
    if (task.runnerId() != null
        && vm.runnerId().isPresent()
        && vm.runnerId().getAsLong() != task.runnerId()) {
      return TaskOutcome.refused(
          "not our runner: runner "
              + task.runnerId()
              + " is not runner "
              + vm.runnerId().getAsLong()
              + " registered for VM "
              + vm.name());
    }
    // The job the VM was made for: another job took its runner (in_progress), or this is the
    // delayed check of the job's own VM, enqueued when the VM was asked for.
    JobRef victim = vm.job();
    try {
      if (!github.job(victim).map(status -> status.awaitingRunner()).orElse(false)) {
        return TaskOutcome.done("job " + victim.jobId() + " no longer queues; nothing to replace");
      }
      List<String> labels =
          github
              .findRunner(victim, task.runnerName())
              .map(GitHubRunner::labels)
              .filter(l -> !l.isEmpty())
              .orElse(null);
      if (labels == null) {
        return TaskOutcome.done("runner " + task.runnerName() + " has no labels to copy");
      }
      List<Machine> own =
          machines.list().stream()
              .filter(m -> m.job() != null && m.job().jobId() == victim.jobId())
              .toList();
      Instant now = clock.instant();
      for (Machine other : own) {
        if (serving(other, github.findRunner(victim, other.name()).orElse(null), now)) {
          return TaskOutcome.done("job " + victim.jobId() + " is served by " + other.name());
        }
      }
      Optional<Replacements.Attempt> attempt = replacements.replace(victim, labels, own);
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
    } catch (GitHubException.Transient | LedgerUnavailableException e) {
      return TaskOutcome.retry(e.getMessage());
    } catch (GitHubException.Permanent e) {
      return TaskOutcome.refused(e.getMessage());
    }
  }

  /**
   * True when the VM is, or will be, there for its own job: booting, or with an idle runner online.
   * A busy runner on a VM made for a job that still queues was taken by another job.
   */
  private boolean serving(Machine vm, GitHubRunner runner, Instant now) {
    boolean booting = Duration.between(vm.created(), now).compareTo(settings.bootTimeout()) < 0;
    boolean taken = runner != null && runner.busy();
    return !vm.stopped() && !taken && (booting || (runner != null && runner.online()));
  }

  private boolean stillAwaitingRunner(JobRef job) {
    try {
      return github.job(job).map(status -> status.awaitingRunner()).orElse(false);
    } catch (GitHubException e) {
      // Unknown is not "over": keep the VM this time.
      return true;
    }
  }

  private boolean triggered(List<String> labels) {
    Set<String> lower = new HashSet<>();
    labels.forEach(l -> lower.add(l.toLowerCase(Locale.ROOT)));
    return settings.triggerLabels().stream()
        .allMatch(t -> lower.contains(t.toLowerCase(Locale.ROOT)));
  }

  /** The VMs' own repositories first (they carry the organisation), then every other source. */
  private List<JobRef> repositories(List<Machine> vms) {
    Map<String, JobRef> byName = new LinkedHashMap<>();
    vms.stream()
        .map(Machine::job)
        .filter(job -> job != null)
        .forEach(job -> byName.putIfAbsent(job.repository().toLowerCase(Locale.ROOT), job));
    sources
        .repositories()
        .forEach(job -> byName.putIfAbsent(job.repository().toLowerCase(Locale.ROOT), job));
    return List.copyOf(byName.values());
  }

  /** Where our runners live: each organisation, or each user repository. */
  private static Map<String, JobRef> scopes(List<Machine> vms, List<JobRef> repositories) {
    Map<String, JobRef> scopes = new LinkedHashMap<>();
    vms.stream()
        .map(Machine::job)
        .filter(job -> job != null)
        .forEach(job -> scopes.putIfAbsent(scopeKey(job), job));
    repositories.forEach(job -> scopes.putIfAbsent(scopeKey(job), job));
    return scopes;
  }

  /** A runner of ours and the scope it was listed in, which is where it is deleted. */
  private record ScopedRunner(GitHubRunner runner, JobRef scope) {}

  private static GitHubRunner runnerOf(Map<String, ScopedRunner> runners, Machine vm) {
    ScopedRunner scoped = runners.get(vm.name());
    return scoped == null ? null : scoped.runner();
  }

  private Map<String, ScopedRunner> ourRunners(Iterable<JobRef> scopes, ReconcileReport report) {
    Map<String, ScopedRunner> runners = new LinkedHashMap<>();
    for (JobRef scope : scopes) {
      try {
        for (GitHubRunner runner : github.listRunners(scope)) {
          if (naming.isOurs(runner.name())) {
            runners.put(runner.name(), new ScopedRunner(runner, scope));
          }
        }
      } catch (GitHubException e) {
        report.failedScope(scopeKey(scope), e.getMessage());
      }
    }
    return runners;
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

  private List<QueuedJob> queuedJobs(List<JobRef> repositories, ReconcileReport report) {
    List<QueuedJob> queued = new ArrayList<>();
    for (JobRef repository : repositories) {
      try {
        queued.addAll(github.queuedJobs(repository));
      } catch (GitHubException e) {
        report.failedQueuedListing(repository.repository(), e.getMessage());
      }
    }
    return queued;
  }

  private static String scopeKey(JobRef job) {
    return RunnerOwnership.scope(job);
  }
}
