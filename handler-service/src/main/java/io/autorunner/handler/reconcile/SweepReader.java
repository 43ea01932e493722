package io.autorunner.handler.reconcile;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.task.RepositoryScope;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.task.RunnerOwnership;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads what a sweep acts on, from GCE and GitHub only. A scope or a repository that cannot be read
 * is reported, and the sweep goes on with the rest.
 */
final class SweepReader {

  private final RunnerMachines machines;
  private final GitHubActions github;
  private final InstanceNaming naming;
  private final SweepSources sources;

  SweepReader(
      RunnerMachines machines, GitHubActions github, InstanceNaming naming, SweepSources sources) {
    this.machines = machines;
    this.github = github;
    this.naming = naming;
    this.sources = sources;
  }

  SweepView read(ReconcileReport report) {
    List<Machine> vms = machines.list();
    List<RepositoryScope> repositories = repositories(vms);
    sources.checkRunnerGroups().forEach(line -> report.note("runnerGroup", line));
    Map<String, ScopedRunner> runners = ourRunners(scopes(vms, repositories).values(), report);
    List<QueuedJob> queued = queuedJobs(repositories, report);
    report.found(vms.size(), runners.size(), queued.size());
    return new SweepView(vms, repositories, runners, queued);
  }

  /** The VMs' own repositories first (they carry the organisation), then every other source. */
  private List<RepositoryScope> repositories(List<Machine> vms) {
    Map<String, RepositoryScope> byName = new LinkedHashMap<>();
    vms.stream()
        .flatMap(vm -> vm.job().stream())
        .forEach(job -> byName.putIfAbsent(job.repository().toLowerCase(Locale.ROOT), job));
    sources
        .repositories()
        .forEach(job -> byName.putIfAbsent(job.repository().toLowerCase(Locale.ROOT), job));
    return List.copyOf(byName.values());
  }

  /** Where our runners live: each organisation, or each user repository. */
  private static Map<String, RepositoryScope> scopes(
      List<Machine> vms, List<RepositoryScope> repositories) {
    Map<String, RepositoryScope> scopes = new LinkedHashMap<>();
    vms.stream()
        .flatMap(vm -> vm.runnerScope().stream())
        .forEach(scope -> scopes.putIfAbsent(RunnerOwnership.scope(scope), scope));
    repositories.forEach(job -> scopes.putIfAbsent(RunnerOwnership.scope(job), job));
    return scopes;
  }

  private Map<String, ScopedRunner> ourRunners(
      Iterable<RepositoryScope> scopes, ReconcileReport report) {
    Map<String, ScopedRunner> runners = new LinkedHashMap<>();
    for (RepositoryScope scope : scopes) {
      try {
        for (GitHubRunner runner : github.listRunners(scope)) {
          if (naming.isOurs(runner.name())) {
            runners.put(runner.name(), new ScopedRunner(runner, scope));
          }
        }
      } catch (GitHubException e) {
        report.failedScope(RunnerOwnership.scope(scope), e.getMessage());
      }
    }
    return runners;
  }

  private List<QueuedJob> queuedJobs(List<RepositoryScope> repositories, ReconcileReport report) {
    List<QueuedJob> queued = new ArrayList<>();
    for (RepositoryScope repository : repositories) {
      try {
        queued.addAll(github.queuedJobs(repository));
      } catch (GitHubException e) {
        report.failedQueuedListing(repository.repository(), e.getMessage());
      }
    }
    return queued;
  }
}
