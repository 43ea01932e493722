package io.autorunner.handler.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingRules;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolsTest {

  private static final LabelPolicy POLICY = new LabelPolicy(PolicyProperties.defaults());
  private static final RoutingRules ACME =
      new RoutingRules(List.of("self-hosted", "gce"), List.of("acme"), List.of(), false);

  private static PoolsProperties.Settings settings(List<String> labels, String scope) {
    return new PoolsProperties.Settings(
        labels, 2, scope, List.of("Mon-Fri 08:00-20:00"), "Europe/Berlin", Duration.ofHours(2));
  }

  private static Pools of(String name, PoolsProperties.Settings settings, RoutingRules rules) {
    return Pools.of(new PoolsProperties(Map.of(name, settings)), POLICY, rules);
  }

  @Test
  void aPoolIsReadWithItsShapeScopeAndSchedule() {
    Pools pools = of("gpu", settings(List.of("self-hosted", "gce", "gpu"), "acme"), ACME);

    Pool gpu = pools.named("gpu").orElseThrow();
    assertThat(gpu.spec().hasGpu()).isTrue();
    assertThat(gpu.scope().owningOrganization()).contains("acme");
    assertThat(gpu.size()).isEqualTo(2);
    assertThat(gpu.schedule()).hasToString("Mon-Fri 08:00-20:00 (Europe/Berlin)");
    assertThat(gpu.fits(List.of("GPU", "gce", "self-hosted"))).isTrue();
    assertThat(gpu.fits(List.of("self-hosted", "gce"))).isFalse();
  }

  @Test
  void aPoolThatCannotWorkIsRefusedNamingItsKey() {
    List<String> gpu = List.of("self-hosted", "gce", "gpu");
    assertThatThrownBy(() -> of("GPU!", settings(gpu, "acme"), ACME))
        .hasMessageStartingWith("autorunner.pools.GPU!: a pool name");
    assertThatThrownBy(() -> of("gpu", settings(List.of("self-hosted", "gpu"), "acme"), ACME))
        .hasMessageContaining("trigger labels");
    assertThatThrownBy(
            () -> of("gpu", settings(List.of("self-hosted", "gce", "gpu", "bind=x"), "acme"), ACME))
        .hasMessageContaining("no bind= label");
    assertThatThrownBy(
            () -> of("win", settings(List.of("self-hosted", "gce", "windows"), "acme"), ACME))
        .hasMessageContaining("Windows");
    assertThatThrownBy(() -> of("gpu", settings(gpu, "evil"), ACME))
        .hasMessageContaining("outside autorunner.routing");
    assertThatThrownBy(() -> of("gpu", settings(gpu, null), ACME))
        .hasMessageContaining("scope is required");
    assertThatThrownBy(
            () -> of("gpu", settings(List.of("self-hosted", "gce", "gpu=nonsense"), "acme"), ACME))
        .hasMessageContaining("labels refused");
  }

  @Test
  void anOrganisationIsAdmittedThroughOneOfItsAllowedRepositories() {
    RoutingRules oneRepo =
        new RoutingRules(List.of("self-hosted", "gce"), List.of(), List.of("acme/models"), false);
    assertThat(of("cpu", settings(List.of("self-hosted", "gce"), "acme"), oneRepo).all())
        .hasSize(1);
    assertThatThrownBy(
            () -> of("cpu", settings(List.of("self-hosted", "gce"), "alice/project"), ACME))
        .as("a user's repository the lists do not admit")
        .hasMessageContaining("outside autorunner.routing");
  }
}
