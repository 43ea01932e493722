package io.autorunner.common.routing;

import io.autorunner.common.config.Require;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.routing.*}: which jobs autorunner serves, read alike by both services. The
 * scheduler routes webhooks by it; the handler needs it too, because GitHub hands our runners to
 * any job their runner group admits, whatever the scheduler decided: it refuses creates for
 * repositories outside the lists, keeps the runner group admitting exactly them, and its reconciler
 * serves only queued jobs that carry the trigger labels.
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
    Require.that(
        triggerLabels != null && !triggerLabels.isEmpty(),
        "autorunner.routing.trigger-labels must name at least one label");
    triggerLabels = List.copyOf(triggerLabels);
    allowedOwners = allowedOwners == null ? List.of() : List.copyOf(allowedOwners);
    allowedRepositories =
        allowedRepositories == null ? List.of() : List.copyOf(allowedRepositories);
  }

  public RoutingRules rules() {
    return new RoutingRules(
        triggerLabels, allowedOwners, allowedRepositories, allowPublicRepositories);
  }
}
