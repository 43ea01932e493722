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
 * Reads what a sweep acts on, from GCE and GitHub only, and changes nothing: the reconciler acts on
 * what it read, the status page shows it. A scope or a repository that cannot be read is reported,
 * and the read goes on with the rest.
 */
public final class SweepReader {

  private final RunnerMachines machines;
  private final GitHubActions github;
  private final InstanceNaming naming;
  private final SweepSources sources;

  public SweepReader(
      RunnerMachines machines, GitHubActions github, InstanceNaming naming, SweepSources sources) {
    this.machines = machines;
    this.github = github;
    this.naming = naming;
    this.sources = sources;
  }

  /** What a scope or a repository that could not be read was. */
  public interface Failures {

    /** The runners of {@code scope} (an organisation or a user repository) could not be listed. */
    void failedScope(String scope, String reason);

    /** The queued jobs of {@code repository} could not be listed. */
    void failedQueuedListing(String repository, String reason);
  }

  /**
   * The VMs we manage, our runners, the jobs queued where they may wait.
   *
   * @throws io.autorunner.handler.vm.ComputeException when GCE cannot be listed: without the VMs
   *     there is nothing to read the rest for
   */
  public SweepView read(Failures failures) {
    List<Machine> vms = machines.list();
    List<RepositoryScope> repositories = repositories(vms);
    Map<String, ScopedRunner> runners = ourRunners(scopes(vms, repositories).values(), failures);
    List<QueuedJob> queued = queuedJobs(repositories, failures);
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
      Iterable<RepositoryScope> scopes, Failures failures) {
    Map<String, ScopedRunner> runners = new LinkedHashMap<>();
    for (RepositoryScope scope : scopes) {
      try {
        for (GitHubRunner runner : github.listRunners(scope)) {
          if (naming.isOurs(runner.name())) {
            runners.put(runner.name(), new ScopedRunner(runner, scope));
          }
        }
      } catch (GitHubException e) {
        failures.failedScope(RunnerOwnership.scope(scope), e.getMessage());
      }
    }
    return runners;
  }

  private List<QueuedJob> queuedJobs(List<RepositoryScope> repositories, Failures failures) {
    List<QueuedJob> queued = new ArrayList<>();
    for (RepositoryScope repository : repositories) {
      try {
        queued.addAll(github.queuedJobs(repository));
      } catch (GitHubException e) {
        failures.failedQueuedListing(repository.repository(), e.getMessage());
      }
    }
    return queued;
  }
}
