package io.autorunner.handler.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.handout.VmBoots;
import io.autorunner.handler.ledger.InMemoryReplacementLedger;
import io.autorunner.handler.pool.LocalPendingCreates;
import io.autorunner.handler.pool.Pools;
import io.autorunner.handler.pool.PoolsProperties;
import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.testing.InMemoryMachines;
import io.autorunner.handler.testing.InMemoryRegistry;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A warm pool kept by several handler instances at once, against in-memory GCE and GitHub with the
 * real handout: topped up to its size and no further, refilled when its runners take jobs or go,
 * recycled when idle too long, drained outside its schedule, and always under the cap.
 */
class PoolTopUpTest {

  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");
  // A Tuesday, 10:00 in Berlin.
  private static final Instant TUESDAY_10 = Instant.parse("2026-12-01T09:00:00Z");
  private static final RoutingRules RULES =
      new RoutingRules(List.of("self-hosted", "gce"), List.of("acme"), List.of(), false);

  private InMemoryMachines machines;
  private InMemoryRegistry github;
  private Instant now;
  private Clock clock;
  private LifecycleCounters counters;

  @BeforeEach
  void setUp() {
    machines = new InMemoryMachines();
    github = new InMemoryRegistry();
    now = TUESDAY_10;
    machines.now = now;
    clock =
        new Clock() {
          @Override
          public Instant instant() {
            return now;
          }

          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(java.time.ZoneId zone) {
            return this;
          }
        };
    github.clock = clock;
    counters = new LifecycleCounters();
  }

  private void advance(Duration by) {
    now = now.plus(by);
    machines.now = now;
  }

  private static Pools gpuPool(int size) {
    return Pools.of(
        new PoolsProperties(
            Map.of(
                "gpu",
                new PoolsProperties.Settings(
                    GPU,
                    size,
                    "acme",
                    List.of("Mon-Fri 08:00-20:00"),
                    "Europe/Berlin",
                    Duration.ofHours(2)))),
        new LabelPolicy(PolicyProperties.defaults()),
        RULES);
  }

  /** One handler instance's keeper; instances share nothing but GCE and GitHub. */
  private PoolTopUp instance(int size, int maxInstances) {
    return Fixtures.pools(
        gpuPool(size), machines, github, maxInstances, counters, new LocalPendingCreates(), clock);
  }

  private List<String> poolVms() {
    return machines.list().stream().filter(vm -> vm.pool().isPresent()).map(Machine::name).toList();
  }

  @Test
  void aPoolIsToppedUpToItsSizeWithNumberedVmsOfItsShapeAndScope() {
    PoolTopUp keeper = instance(2, 10);

    PoolTopUp.Result result = keeper.keep(keeper.pools().named("gpu").orElseThrow());

    assertThat(result.created()).containsExactly("ghr-p-gpu-1", "ghr-p-gpu-2");
    assertThat(poolVms()).containsExactly("ghr-p-gpu-1", "ghr-p-gpu-2");
    var request = machines.created.get("ghr-p-gpu-1");
    assertThat(request.job()).isEmpty();
    assertThat(request.spec().hasGpu()).isTrue();
    assertThat(request.spec().labels()).isEqualTo(GPU);
    assertThat(request.spec().spot())
        .as("a pool VM is Spot unless its labels say otherwise")
        .isTrue();
    Machine vm = machines.find("ghr-p-gpu-1").orElseThrow();
    assertThat(vm.labels()).containsEntry(MachineLabels.POOL, "gpu");
    assertThat(vm.runnerScope().orElseThrow().owningOrganization()).contains("acme");
    assertThat(keeper.keep(keeper.pools().named("gpu").orElseThrow()).created())
        .as("kept already")
        .isEmpty();
  }

  @Test
  void twoInstancesThatReadTheSameGapMakeOneVmForEachPlace() {
    PoolTopUp first = instance(2, 10);
    PoolTopUp second = instance(2, 10);
    var pool = first.pools().named("gpu").orElseThrow();
    List<Machine> stale = machines.list();

    first.keep(pool, stale, Map.of());
    PoolTopUp.Result late = second.keep(pool, stale, Map.of());

    assertThat(late.created()).isEmpty();
    assertThat(poolVms()).hasSize(2);
    assertThat(machines.inserted).hasSize(2);
  }

  @Test
  void aPoolVmGetsItsRunnerInThePoolsScopeAndABusyOneIsRefilled() {
    PoolTopUp keeper = instance(1, 10);
    var pool = keeper.pools().named("gpu").orElseThrow();
    keeper.keep(pool);
    VmBoots boots = new VmBoots(machines, github, clock);

    long runnerId = boots.askForRunner("ghr-p-gpu-1");
    github.markOnline("ghr-p-gpu-1");
    assertThat(github.runners.get("ghr-p-gpu-1").labels()).containsAll(GPU);
    assertThat(keeper.keep(pool).created()).as("idle: it counts").isEmpty();

    github.markBusy("ghr-p-gpu-1");
    assertThat(keeper.keep(pool).created()).containsExactly("ghr-p-gpu-2");
    assertThat(runnerId).isPositive();
  }

  @Test
  void aPoolVmsJobCompletingDeletesItAndTopsThePoolUpAtOnce() {
    PoolTopUp keeper = instance(1, 10);
    var pool = keeper.pools().named("gpu").orElseThrow();
    keeper.keep(pool);
    long runnerId = new VmBoots(machines, github, clock).askForRunner("ghr-p-gpu-1");
    github.markBusy("ghr-p-gpu-1");
    RunnerLifecycle lifecycle =
        Fixtures.lifecycle(
            machines, github, RULES, 10, new InMemoryReplacementLedger(), keeper, clock);
    // The job ran; GitHub removes an ephemeral runner once its job is over.
    github.runners.remove("ghr-p-gpu-1");
    JobRef job = new JobRef(77, 7, 1, "acme/models", "acme", 555L);

    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(job, "ghr-p-gpu-1", runnerId, "success"));

    assertThat(machines.deleted).containsExactly("ghr-p-gpu-1");
    // The place is free once GCE has deleted the VM (while it is being deleted GCE still lists it,
    // and the next place is taken): a new VM, with no runner yet, takes it.
    assertThat(outcome.reason()).contains("pool gpu: created [ghr-p-gpu-1]");
    assertThat(machines.inserted).containsExactly("ghr-p-gpu-1", "ghr-p-gpu-1");
    assertThat(machines.find("ghr-p-gpu-1").orElseThrow().runnerId()).isEmpty();
  }

  @Test
  void anIdleVmPastMaxIdleIsRecycled() {
    PoolTopUp keeper = instance(1, 10);
    var pool = keeper.pools().named("gpu").orElseThrow();
    keeper.keep(pool);
    new VmBoots(machines, github, clock).askForRunner("ghr-p-gpu-1");
    github.markOnline("ghr-p-gpu-1");

    advance(Duration.ofHours(2).plusMinutes(1));
    PoolTopUp.Result result = keeper.keep(pool);

    assertThat(result.retired()).containsOnlyKeys("ghr-p-gpu-1");
    assertThat(result.created()).containsExactly("ghr-p-gpu-2");
    assertThat(github.runners).doesNotContainKey("ghr-p-gpu-1");
  }

  @Test
  void outsideItsScheduleThePoolDrainsButABusyVmStays() {
    PoolTopUp keeper = instance(2, 10);
    var pool = keeper.pools().named("gpu").orElseThrow();
    keeper.keep(pool);
    VmBoots boots = new VmBoots(machines, github, clock);
    boots.askForRunner("ghr-p-gpu-1");
    github.markBusy("ghr-p-gpu-1");

    advance(Duration.ofHours(11)); // 21:00 in Berlin
    PoolTopUp.Result result = keeper.keep(pool);

    assertThat(result.created()).isEmpty();
    assertThat(result.retired()).containsOnlyKeys("ghr-p-gpu-2");
    assertThat(poolVms()).containsExactly("ghr-p-gpu-1");
  }

  @Test
  void aPoolNeverTakesTheCapPastItsLimit() {
    machines.add("ghr-500-1", new JobRef(500, 5, 1, "acme/models", "acme", 555L), now);
    PoolTopUp keeper = instance(3, 2);

    PoolTopUp.Result result = keeper.keep(keeper.pools().named("gpu").orElseThrow());

    assertThat(result.created()).containsExactly("ghr-p-gpu-1");
    assertThat(result.problems()).anyMatch(p -> p.startsWith("at capacity"));
    assertThat(machines.list()).hasSize(2);
  }

  @Test
  void theVmMadeForAJobThatTookAPoolRunnerIsAdoptedAsTheRefill() {
    PoolTopUp keeper = instance(1, 10);
    var pool = keeper.pools().named("gpu").orElseThrow();
    JobRef job = new JobRef(88, 8, 1, "acme/models", "acme", 555L);
    machines.create(
        new io.autorunner.handler.vm.MachineRequest(
            "ghr-88-1", pool.spec(), job, InMemoryMachines.HANDOUT, "#!/bin/sh"));
    machines.add("ghr-89-1", new JobRef(89, 8, 1, "acme/models", "acme", 555L), now);

    assertThat(keeper.adopt(pool, machines.find("ghr-88-1").orElseThrow())).isTrue();
    assertThat(keeper.adopt(pool, machines.find("ghr-89-1").orElseThrow()))
        .as("a CPU runner does not fit a GPU pool")
        .isFalse();

    assertThat(machines.find("ghr-88-1").orElseThrow().pool()).contains("gpu");
    assertThat(keeper.keep(pool).created()).as("the adopted VM is the refill").isEmpty();
  }

  @Test
  void anAdoptionRacingARetirementLosesWhole() {
    PoolTopUp keeper = instance(1, 10);
    var pool = keeper.pools().named("gpu").orElseThrow();
    JobRef job = new JobRef(88, 8, 1, "acme/models", "acme", 555L);
    machines.create(
        new io.autorunner.handler.vm.MachineRequest(
            "ghr-88-1", pool.spec(), job, InMemoryMachines.HANDOUT, "#!/bin/sh"));
    Machine read = machines.find("ghr-88-1").orElseThrow();
    machines.changeLabels("ghr-88-1", labels -> labels.put(MachineLabels.RETIRING, "true"));

    assertThat(keeper.adopt(pool, read)).isFalse();
    assertThat(machines.find("ghr-88-1").orElseThrow().pool()).isEmpty();
  }
}
