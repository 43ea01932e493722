package io.autorunner.handler.reconcile;

import io.autorunner.common.task.RepositoryRef;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The repositories named in configuration: the configured sweep list and the allow-list. */
public class ConfiguredSweepSources implements SweepSources {

  private final List<RepositoryRef> repositories;

  public ConfiguredSweepSources(List<String> configured, List<String> allowed) {
    Set<String> names = new LinkedHashSet<>();
    configured.forEach(names::add);
    allowed.forEach(names::add);
    List<RepositoryRef> refs = new ArrayList<>();
    // Only the repository is known; runs and jobs are read through it, never runners.
    names.forEach(name -> refs.add(RepositoryRef.named(name)));
    this.repositories = List.copyOf(refs);
  }

  @Override
  public List<RepositoryRef> repositories() {
    return repositories;
  }

  @Override
  public String redeliverFailedWebhooks() {
    return "not available";
  }

  @Override
  public List<String> checkRunnerGroups() {
    return List.of();
  }
}
