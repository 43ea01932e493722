package io.autorunner.handler.reconcile;

import io.autorunner.common.task.RepositoryScope;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.vm.Machine;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one read saw (a sweep before it acts, or the status page): the VMs we manage, our runners by
 * name (with where each was listed), and the jobs queued in every repository it could see.
 */
public record SweepView(
    List<Machine> vms,
    List<RepositoryScope> repositories,
    Map<String, ScopedRunner> runners,
    List<QueuedJob> queued) {

  public SweepView {
    vms = List.copyOf(vms);
    repositories = List.copyOf(repositories);
    runners = Map.copyOf(runners);
    queued = List.copyOf(queued);
  }

  /** The runner registered under the VM's name, if the sweep saw one. */
  public Optional<GitHubRunner> runnerOf(Machine vm) {
    return Optional.ofNullable(runners.get(vm.name())).map(ScopedRunner::runner);
  }
}
