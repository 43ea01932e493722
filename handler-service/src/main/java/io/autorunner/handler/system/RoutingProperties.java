package io.autorunner.handler.system;

import io.autorunner.common.routing.RoutingRules;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.routing.*}, the same keys as the scheduler's: the handler needs the allow-lists
 * too, because GitHub hands our runners to any job their runner group admits, whatever the
 * scheduler decided. The handler refuses creates for repositories outside them, keeps the runner
 * group admitting exactly them, and sweeps the allow-listed repositories for lost jobs.
 *
 * @param triggerLabels every one must be in a job's {@code runs-on}
 * @param allowedOwners owners (users, organisations) whose jobs pass; empty: see the design
 * @param allowedRepositories {@code owner/name} of repositories whose jobs pass
 * @param allowPublicRepositories serve jobs of public repositories
 */
@ConfigurationProperties("autorunner.routing")
public record RoutingProperties(
    @DefaultValue({"self-hosted", "gce"}) List<String> triggerLabels,
    List<String> allowedOwners,
    List<String> allowedRepositories,
    @DefaultValue("false") boolean allowPublicRepositories) {

  public RoutingProperties {
    allowedOwners = allowedOwners == null ? List.of() : List.copyOf(allowedOwners);
    allowedRepositories =
        allowedRepositories == null ? List.of() : List.copyOf(allowedRepositories);
  }

  public RoutingRules rules() {
    return new RoutingRules(
        triggerLabels, allowedOwners, allowedRepositories, allowPublicRepositories);
  }
}
