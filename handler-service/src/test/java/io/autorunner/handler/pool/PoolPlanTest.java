package io.autorunner.handler.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.PoolScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PoolPlanTest {

  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
  private static final InstanceNaming NAMING = new InstanceNaming("ghr");
  private static final Pool POOL =
      Pools.of(
              new PoolsProperties(
                  Map.of(
                      "cpu",
                      new PoolsProperties.Settings(
                          List.of("self-hosted", "gce"),
                          3,
                          "acme",
                          List.of(),
                          "UTC",
                          Duration.ofHours(1)))),
              new LabelPolicy(PolicyProperties.defaults()),
              new RoutingRules(List.of("self-hosted", "gce"), List.of("acme"), List.of(), false))
          .named("cpu")
          .orElseThrow();

  private static Machine vm(String name, InstanceStatus status, Instant created, Long runnerId) {
    Map<String, String> labels =
        runnerId == null
            ? Map.of(MachineLabels.POOL, "cpu")
            : Map.of(MachineLabels.POOL, "cpu", MachineLabels.RUNNER_ID, runnerId.toString());
    return new Machine(
        name,
        "us-central1-a",
        status,
        labels,
        created,
        Optional.empty(),
        "1",
        "fp",
        POOL.labels(),
        Optional.of(PoolScope.parse("acme")));
  }

  private static GitHubRunner runner(long id, String name, boolean busy) {
    return new GitHubRunner(id, name, "online", busy, List.of("self-hosted", "gce"));
  }

  @Test
  void bootingAndIdleVmsCountBusyAndFinishedOnesDoNotAndADeletingVmHoldsItsPlace() {
    List<Machine> listed =
        List.of(
            vm("ghr-p-cpu-1", InstanceStatus.RUNNING, NOW.minusSeconds(600), 11L), // idle
            vm("ghr-p-cpu-2", InstanceStatus.RUNNING, NOW.minusSeconds(500), 12L), // busy
            vm("ghr-p-cpu-3", InstanceStatus.RUNNING, NOW.minusSeconds(400), 13L), // ran, left
            vm("ghr-p-cpu-4", InstanceStatus.STOPPING, NOW.minusSeconds(300), 14L),
            vm("ghr-p-cpu-5", InstanceStatus.RUNNING, NOW.minusSeconds(10), null)); // booting
    Map<String, GitHubRunner> runners =
        Map.of(
            "ghr-p-cpu-1", runner(11, "ghr-p-cpu-1", false),
            "ghr-p-cpu-2", runner(12, "ghr-p-cpu-2", true));

    PoolPlan plan = PoolPlan.of(POOL, listed, runners, NAMING, NOW);

    assertThat(plan.ready())
        .extracting(Machine::name)
        .containsExactly("ghr-p-cpu-1", "ghr-p-cpu-5");
    assertThat(plan.retire()).isEmpty();
    assertThat(plan.create()).containsExactly("ghr-p-cpu-6");
  }

  @Test
  void theOldestReadyVmsGoFirstWhenThereAreTooManyAndIdleOnesPastMaxIdleAreRecycled() {
    List<Machine> listed =
        List.of(
            vm("ghr-p-cpu-1", InstanceStatus.RUNNING, NOW.minus(Duration.ofMinutes(61)), 11L),
            vm("ghr-p-cpu-2", InstanceStatus.RUNNING, NOW.minusSeconds(900), 12L),
            vm("ghr-p-cpu-3", InstanceStatus.RUNNING, NOW.minusSeconds(800), null),
            vm("ghr-p-cpu-4", InstanceStatus.RUNNING, NOW.minusSeconds(700), null),
            vm("ghr-p-cpu-5", InstanceStatus.RUNNING, NOW.minusSeconds(600), null));
    Map<String, GitHubRunner> runners =
        Map.of(
            "ghr-p-cpu-1", runner(11, "ghr-p-cpu-1", false),
            "ghr-p-cpu-2", runner(12, "ghr-p-cpu-2", false));

    PoolPlan plan = PoolPlan.of(POOL, listed, runners, NAMING, NOW);

    assertThat(plan.retire().keySet())
        .extracting(Machine::name)
        .containsExactlyInAnyOrder("ghr-p-cpu-1", "ghr-p-cpu-2");
    assertThat(plan.retire().values()).anyMatch(why -> why.contains("max-idle"));
    assertThat(plan.ready())
        .extracting(Machine::name)
        .containsExactly("ghr-p-cpu-3", "ghr-p-cpu-4", "ghr-p-cpu-5");
    assertThat(plan.create()).isEmpty();
  }
}
