package io.autorunner.handler.reconcile;

import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.RepositoryRef;
import io.autorunner.handler.github.AccessibleRepository;
import io.autorunner.handler.github.AppInstallations;
import io.autorunner.handler.github.GitHubCalls;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GroupCheck;
import io.autorunner.handler.github.RunnerGroups;
import io.autorunner.handler.github.WebhookRedeliveries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The sweep's sources, read from GitHub at every sweep: the repositories the App's installations
 * reach (conditional requests, so an unchanged listing costs no rate limit) that the allow-lists
 * admit, besides the allow-listed and configured ones; the App hook's failed deliveries; and each
 * organisation's runner group.
 */
public final class GitHubSweepSources implements SweepSources {

  private final AppInstallations installations;
  private final WebhookRedeliveries redeliveries;
  private final RunnerGroups groups;
  private final RoutingRules rules;
  private final List<String> configured;
  private final Duration redeliverWindow;
  private final ThreadLocal<Boolean> complete = ThreadLocal.withInitial(() -> false);
  private final ThreadLocal<Set<String>> organizations = ThreadLocal.withInitial(Set::of);

  public GitHubSweepSources(
      AppInstallations installations,
      WebhookRedeliveries redeliveries,
      RunnerGroups groups,
      RoutingRules rules,
      List<String> configured,
      Duration redeliverWindow) {
    this.installations = installations;
    this.redeliveries = redeliveries;
    this.groups = groups;
    this.rules = rules;
    this.configured = List.copyOf(configured);
    this.redeliverWindow = redeliverWindow;
  }

  @Override
  public List<RepositoryRef> repositories() {
    Map<String, RepositoryRef> byName = new LinkedHashMap<>();
    Set<String> orgs = new LinkedHashSet<>();
    boolean listed = false;
    try {
      AppInstallations.RepositoryListing listing = installations.accessibleRepositories();
      listed = installations.installations().size() > 0 && listing.failures().isEmpty();
      for (AccessibleRepository repo : listing.repositories()) {
        if (repo.organization() != null) {
          orgs.add(repo.organization().toLowerCase(Locale.ROOT));
        }
        // GitHub would hand our runners only to what the runner group admits; the sweep serves
        // no more than that either.
        if (rules.allows(repo.owner(), repo.fullName())
            && (repo.isPrivate() || rules.allowPublicRepositories())) {
          byName.putIfAbsent(
              repo.fullName().toLowerCase(Locale.ROOT),
              new RepositoryRef(
                  repo.fullName(),
                  Optional.ofNullable(repo.organization()),
                  Optional.of(repo.installationId())));
        }
      }
    } catch (GitHubException e) {
      listed = false;
    }
    for (String name : allowListedAndConfigured()) {
      byName.putIfAbsent(name.toLowerCase(Locale.ROOT), RepositoryRef.named(name));
    }
    complete.set(listed);
    organizations.set(Set.copyOf(orgs));
    return List.copyOf(byName.values());
  }

  private List<String> allowListedAndConfigured() {
    List<String> names = new ArrayList<>(rules.allowedRepositories());
    names.addAll(configured);
    return names;
  }

  /** True when the last {@link #repositories()} on this thread listed every installation. */
  @Override
  public boolean coversEveryRepository() {
    return complete.get();
  }

  @Override
  public String redeliverFailedWebhooks() {
    try {
      WebhookRedeliveries.Report report = redeliveries.redeliverFailed(redeliverWindow);
      if (!report.available()) {
        return report.note();
      }
      return "seen "
          + report.seen()
          + ", failed "
          + report.failed()
          + ", redelivered "
          + report.redelivered()
          + (report.failures().isEmpty() ? "" : ", refused " + report.failures().size())
          + (report.note() == null || report.note().isBlank() ? "" : " (" + report.note() + ")");
    } catch (GitHubException e) {
      return "delivery log unreadable: " + e.getMessage();
    }
  }

  @Override
  public List<String> checkRunnerGroups() {
    List<String> lines = new ArrayList<>();
    Set<String> checked = new LinkedHashSet<>();
    for (GroupCheck check : groups.checkAllowedOwners()) {
      checked.add(check.organization().toLowerCase(Locale.ROOT));
      lines.add(check.toString());
    }
    for (String org : organizations.get()) {
      if (checked.add(org) && rules.allows(org, org + "/-")) {
        lines.add(groups.check(org).toString());
      }
    }
    return lines;
  }

  @Override
  public String measured(Runnable sweep) {
    GitHubCalls.Measured<Boolean> measured =
        GitHubCalls.measure(
            () -> {
              sweep.run();
              return true;
            });
    GitHubCalls.Count count = measured.calls();
    return count.calls()
        + " calls, "
        + count.notModified()
        + " of them 304 (free), rate limit left "
        + (count.rateLimitRemaining().isPresent()
            ? Integer.toString(count.rateLimitRemaining().getAsInt())
            : "unknown");
  }
}
