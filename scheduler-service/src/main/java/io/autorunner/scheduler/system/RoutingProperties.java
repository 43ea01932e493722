package io.autorunner.scheduler.system;

import io.autorunner.common.routing.RoutingRules;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.routing.*}: which jobs autorunner serves.
 *
 * @param triggerLabels every one must be in a job's {@code runs-on}
 * @param allowedOwners owners (users, organisations) whose jobs pass; empty: see the design
 * @param allowedRepositories {@code owner/name} of repositories whose jobs pass
 * @param allowPublicRepositories serve jobs of public repositories (anyone's pull request can run
 *     code on them)
 */
@ConfigurationProperties("autorunner.routing")
public record RoutingProperties(
    @DefaultValue({"self-hosted", "gce"}) List<String> triggerLabels,
    List<String> allowedOwners,
    List<String> allowedRepositories,
    @DefaultValue("false") boolean allowPublicRepositories) {

  public RoutingProperties {
    io.autorunner.common.config.Require.that(
        triggerLabels != null && !triggerLabels.isEmpty(),
        "autorunner.routing.trigger-labels must name at least one label");
  }

  public RoutingRules rules() {
    return new RoutingRules(
        triggerLabels, allowedOwners, allowedRepositories, allowPublicRepositories);
  }
}
