package io.autorunner.handler.github;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which repositories may use autorunner's runners: the same lists, with the same meaning, as the
 * scheduler's {@code io.autorunner.common.routing.RoutingRules#allows} — with both lists set a
 * repository passes if either names it, with one set that one decides, with none all pass. Public
 * repositories pass only with {@code allowPublicRepositories}.
 *
 * @param allowedOwners owner logins (organisations or users)
 * @param allowedRepositories {@code owner/name}
 * @param allowPublicRepositories whether public repositories may use the runners at all
 */
public record AllowLists(
    List<String> allowedOwners, List<String> allowedRepositories, boolean allowPublicRepositories) {

  public AllowLists {
    allowedOwners = lower(allowedOwners);
    allowedRepositories = lower(allowedRepositories);
    for (String repository : allowedRepositories) {
      int slash = repository.indexOf('/');
      if (slash < 1 || slash != repository.lastIndexOf('/') || slash == repository.length() - 1) {
        throw new IllegalArgumentException(
            "allowed repository '" + repository + "' is not owner/name");
      }
    }
  }

  /** True when neither list is set: every repository passes. */
  public boolean admitsEveryone() {
    return allowedOwners.isEmpty() && allowedRepositories.isEmpty();
  }

  /** True when every repository of {@code owner} passes (the owner is listed, or no list is). */
  public boolean admitsEveryRepositoryOf(String owner) {
    return admitsEveryone() || allowedOwners.contains(owner.toLowerCase(Locale.ROOT));
  }

  /** True when at least one repository of {@code owner} can pass. */
  public boolean admitsAnyRepositoryOf(String owner) {
    return admitsEveryRepositoryOf(owner) || !repositoriesOf(owner).isEmpty();
  }

  /** The allow-listed repositories ({@code owner/name}, lower case) of {@code owner}. */
  public List<String> repositoriesOf(String owner) {
    String prefix = owner.toLowerCase(Locale.ROOT) + "/";
    return allowedRepositories.stream().filter(r -> r.startsWith(prefix)).toList();
  }

  /** The owners the lists name: allowed owners first, then the owners of allowed repositories. */
  public List<String> namedOwners() {
    Set<String> owners = new LinkedHashSet<>(allowedOwners);
    allowedRepositories.forEach(r -> owners.add(r.substring(0, r.indexOf('/'))));
    return List.copyOf(owners);
  }

  private static List<String> lower(List<String> values) {
    return values == null
        ? List.of()
        : values.stream()
            .map(String::trim)
            .filter(v -> !v.isEmpty())
            .map(v -> v.toLowerCase(Locale.ROOT))
            .distinct()
            .toList();
  }
}
