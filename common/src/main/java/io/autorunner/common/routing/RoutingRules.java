package io.autorunner.common.routing;

import java.util.List;
import java.util.Locale;

/**
 * Which deliveries autorunner acts on.
 *
 * @param triggerLabels every one must be among a job's labels (case-insensitive)
 * @param allowedOwners owners whose jobs pass (empty: see {@link #allows})
 * @param allowedRepositories {@code owner/name} of repositories whose jobs pass
 * @param allowPublicRepositories whether jobs of public repositories pass; anyone can open a pull
 *     request that runs code on a public repository's runners
 */
public record RoutingRules(
    List<String> triggerLabels,
    List<String> allowedOwners,
    List<String> allowedRepositories,
    boolean allowPublicRepositories) {

  public RoutingRules {
    triggerLabels = lower(triggerLabels);
    allowedOwners = lower(allowedOwners);
    allowedRepositories = lower(allowedRepositories);
    if (triggerLabels.isEmpty()) {
      throw new IllegalArgumentException("at least one trigger label is required");
    }
  }

  /** True when the job carries every trigger label. */
  public boolean triggeredBy(List<String> labels) {
    return lower(labels).containsAll(triggerLabels);
  }

  /**
   * With both lists set a job passes if either names it; with one set that one decides; with none
   * all pass.
   */
  public boolean allows(String owner, String repository) {
    if (allowedOwners.isEmpty() && allowedRepositories.isEmpty()) {
      return true;
    }
    return allowedOwners.contains(owner.toLowerCase(Locale.ROOT))
        || allowedRepositories.contains(repository.toLowerCase(Locale.ROOT));
  }

  private static List<String> lower(List<String> values) {
    return values == null
        ? List.of()
        : values.stream()
            .map(String::trim)
            .filter(v -> !v.isEmpty())
            .map(v -> v.toLowerCase(Locale.ROOT))
            .toList();
  }
}
