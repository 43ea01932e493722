package io.autorunner.handler.reconcile;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.system.ReconcileProperties;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.task.TaskOutcome;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converges on the truth whichever event went missing: a lost webhook, a VM that never booted, a
 * runner another job took, a preempted VM. It reads first (the VMs we manage, our runners on
 * GitHub, the jobs still queued), then deletes and creates the difference. Safe to run
 * concurrently: every action is idempotent, and names are deterministic.
 */
public class Reconciler {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final Set<String> STOPPED = Set.of("TERMINATED", "STOPPED", "SUSPENDED");

  private final RunnerMachines machines;
  private final RunnerRegistry github;
  private final RunnerLifecycle lifecycle;
  private final RecentRepositories recent;
  private final InstanceNaming naming;
  private final ReconcileProperties settings;
  private final Clock clock;
  private final Map<String, Instant> orphansSince = new ConcurrentHashMap<>();
  private final ReplacementBudget budget;
  private final Map<String, String> runnerScopes = new ConcurrentHashMap<>();

  public Reconciler(
      RunnerMachines machines,
      RunnerRegistry github,
      RunnerLifecycle lifecycle,
      RecentRepositories recent,
      InstanceNaming naming,
      ReconcileProperties settings,
      Clock clock,
      ReplacementBudget budget) {
    this.budget = budget;
    this.machines = machines;
    this.github = github;
    this.lifecycle = lifecycle;
    this.recent = recent;
    this.naming = naming;
    this.settings = settings;
    this.clock = clock;
  }

  public ReconcileReport reconcile() {
    Instant now = clock.instant();
    ReconcileReport report = new ReconcileReport();
    List<Machine> vms = machines.list();
    List<JobRef> seen = seenJobs(vms);
    Map<String, JobRef> scopes = scopes(seen);
    Map<String, GitHubRunner> runners = ourRunners(scopes.values(), report);
    List<QueuedJob> queued = queuedJobs(seen, report);
    report.found(vms.size(), runners.size(), queued.size());

    vms.forEach(vm -> judge(vm, runners.get(vm.name()), now, report));
    removeOrphanRunners(vms, runners, scopes, now, report);
    serveUnservedJobs(vms, runners, queued, now, report);
    log.info("reconcile: {}", report.summary());
    return report;
  }

  /** Keep, or delete with a reason. A VM whose runner is busy is never touched. */
  private void judge(Machine vm, GitHubRunner runner, Instant now, ReconcileReport report) {
    Duration age = Duration.between(vm.created(), now);
    boolean runnersKnown = vm.job() == null || !report.failedScope(scopeKey(vm.job()));
    String reason = null;
    if (STOPPED.contains(vm.status())) {
      reason = "stopped (" + vm.status() + ")";
    } else if (age.compareTo(settings.maxLifetime()) > 0) {
      reason = "older than autorunner.reconcile.max-lifetime " + settings.maxLifetime();
    } else if (runner != null && runner.busy()) {
      report.kept(vm.name(), "runner busy");
      return;
    } else if (age.compareTo(settings.bootTimeout()) < 0) {
      report.kept(vm.name(), "inside its boot window");
      return;
    } else if (!runnersKnown) {
      report.kept(vm.name(), "its runners could not be listed");
      return;
    } else if (runner == null) {
      reason = "its runner finished or never registered";
    } else if (!runner.online()) {
      reason = "its runner is offline past the boot window";
    } else if (vm.job() != null && stillQueued(vm.job())) {
      report.kept(vm.name(), "idle runner, its job is still queued");
      return;
    } else {
      reason = "its runner is idle and its job is no longer queued";
    }
    delete(vm, runner, reason, report);
  }

  private void delete(Machine vm, GitHubRunner runner, String reason, ReconcileReport report) {
    try {
      machines.delete(vm.name());
      if (runner != null && !runner.busy() && vm.job() != null) {
        github.deleteRunner(vm.job(), runner.id());
      }
      report.deletedVm(vm.name(), reason);
    } catch (ComputeException | GitHubException e) {
      report.failed(vm.name(), "delete: " + e.getMessage());
    }
  }

  /** A runner of ours with no VM behind it, seen so across the grace period, goes. */
  private void removeOrphanRunners(
      List<Machine> vms,
      Map<String, GitHubRunner> runners,
      Map<String, JobRef> scopes,
      Instant now,
      ReconcileReport report) {
    Set<String> vmNames = new HashSet<>();
    vms.forEach(vm -> vmNames.add(vm.name()));
    orphansSince.keySet().removeIf(name -> !runners.containsKey(name) || vmNames.contains(name));
    for (GitHubRunner runner : runners.values()) {
      if (vmNames.contains(runner.name()) || runner.busy()) {
        continue;
      }
      Instant since = orphansSince.computeIfAbsent(runner.name(), n -> now);
      if (Duration.between(since, now).compareTo(settings.orphanRunnerGrace()) < 0) {
        report.kept(runner.name(), "runner without VM, inside its grace period");
        continue;
      }
      JobRef scope = scopes.get(runnerScope(runner));
      if (scope == null) {
        continue;
      }
      try {
        github.deleteRunner(scope, runner.id());
        orphansSince.remove(runner.name());
        report.deletedRunner(runner.name(), "registered with no VM behind it");
      } catch (GitHubException e) {
        report.failed(runner.name(), "delete runner: " + e.getMessage());
      }
    }
  }

  /**
   * Jobs queued past the grace period with no VM booting or idle for them: the lost-webhook and
   * stolen-runner cases. Bounded per job and per run.
   */
  private void serveUnservedJobs(
      List<Machine> vms,
      Map<String, GitHubRunner> runners,
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
      boolean served = own.stream().anyMatch(vm -> serving(vm, runners.get(vm.name()), now));
      if (served) {
        continue;
      }
      String name = nameFor(job, own);
      if (name == null || !budget.allows(job.job().jobId(), settings.maxReplacementsPerJob())) {
        report.skipped(job.job().jobId(), "replacement bound reached");
        continue;
      }
      if (created >= settings.maxCreatesPerRun()) {
        report.skipped(job.job().jobId(), "autorunner.reconcile.max-creates-per-run reached");
        continue;
      }
      TaskOutcome outcome =
          lifecycle.create(new RunnerTask.CreateRunner(job.job(), job.labels(), name));
      budget.spent(job.job().jobId(), name);
      created++;
      if (outcome.kind() == TaskOutcome.Kind.DONE) {
        report.createdVm(name, "job " + job.job().jobId() + " queued with no VM serving it");
      } else {
        report.failed(name, "create: " + outcome.reason());
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
    // The job the VM was made for: another job took its runner (in_progress), or this is the
    // delayed check of the job's own VM, enqueued when the VM was asked for.
    JobRef victim = vm.job();
    try {
      if (!github.job(victim).map(status -> status.queued()).orElse(false)) {
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
      String name = nameFor(new QueuedJob(victim, labels, now), own);
      if (name == null || !budget.allows(victim.jobId(), settings.maxReplacementsPerJob())) {
        return TaskOutcome.done("job " + victim.jobId() + ": replacement bound reached");
      }
      TaskOutcome outcome = lifecycle.create(new RunnerTask.CreateRunner(victim, labels, name));
      if (outcome.kind() == TaskOutcome.Kind.DONE) {
        budget.spent(victim.jobId(), name);
        log.info(
            "job {} took runner {}; job {} gets replacement {}",
            task.job().jobId(),
            task.runnerName(),
            victim.jobId(),
            name);
      }
      return outcome;
    } catch (GitHubException.Transient e) {
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
    return !STOPPED.contains(vm.status())
        && !taken
        && (booting || (runner != null && runner.online()));
  }

  /** The original name when it is free, else the first replacement name never used. */
  private String nameFor(QueuedJob job, List<Machine> own) {
    boolean windows = job.labels().stream().anyMatch(l -> l.equalsIgnoreCase("windows"));
    String original =
        naming.instanceName(
            job.job().jobId(),
            job.job().runAttempt(),
            windows ? OperatingSystem.WINDOWS : OperatingSystem.LINUX);
    Set<String> taken = new HashSet<>();
    own.forEach(
        vm -> {
          taken.add(vm.name());
          budget.retire(vm.name());
        });
    if (!taken.contains(original) && !budget.used(original)) {
      return original;
    }
    for (int n = 1; n <= 99; n++) {
      String candidate = naming.replacementName(original, n);
      if (!taken.contains(candidate) && !budget.used(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  private boolean stillQueued(JobRef job) {
    try {
      return github.job(job).map(status -> status.queued()).orElse(false);
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

  /** Where our runners live: each organisation, or each user repository, of VMs and recent jobs. */
  private Map<String, JobRef> scopes(List<JobRef> seen) {
    Map<String, JobRef> scopes = new LinkedHashMap<>();
    seen.forEach(job -> scopes.putIfAbsent(scopeKey(job), job));
    return scopes;
  }

  /** The jobs of the VMs we manage, then one job of each repository seen in recent tasks. */
  private List<JobRef> seenJobs(List<Machine> vms) {
    List<JobRef> seen = new ArrayList<>();
    vms.stream().map(Machine::job).filter(job -> job != null).forEach(seen::add);
    seen.addAll(recent.recent());
    return seen;
  }

  private Map<String, GitHubRunner> ourRunners(Iterable<JobRef> scopes, ReconcileReport report) {
    Map<String, GitHubRunner> runners = new LinkedHashMap<>();
    for (JobRef scope : scopes) {
      try {
        for (GitHubRunner runner : github.listRunners(scope)) {
          if (naming.isOurs(runner.name())) {
            runners.put(runner.name(), runner);
            runnerScopes.put(runner.name(), scopeKey(scope));
          }
        }
      } catch (GitHubException e) {
        report.failedScope(scopeKey(scope), e.getMessage());
      }
    }
    return runners;
  }

  private String runnerScope(GitHubRunner runner) {
    return runnerScopes.get(runner.name());
  }

  private List<QueuedJob> queuedJobs(List<JobRef> seen, ReconcileReport report) {
    Map<String, JobRef> repositories = new LinkedHashMap<>();
    seen.forEach(job -> repositories.putIfAbsent(repoKey(job), job));
    for (String configured : settings.repositories()) {
      JobRef ref = new JobRef(1, 1, 1, configured, null, null);
      repositories.putIfAbsent(repoKey(ref), ref);
    }
    List<QueuedJob> queued = new ArrayList<>();
    for (JobRef repository : repositories.values()) {
      try {
        queued.addAll(github.queuedJobs(repository));
      } catch (GitHubException e) {
        report.failed(repository.repository(), "list queued jobs: " + e.getMessage());
      }
    }
    return queued;
  }

  private static String scopeKey(JobRef job) {
    return job.organization() != null
        ? "org:" + job.organization().toLowerCase(Locale.ROOT)
        : "repo:" + job.repository().toLowerCase(Locale.ROOT);
  }

  private static String repoKey(JobRef job) {
    return job.repository().toLowerCase(Locale.ROOT);
  }
}
