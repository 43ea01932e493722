package io.autorunner.handler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.handout.VmBoots;
import io.autorunner.handler.ledger.InMemoryReplacementLedger;
import io.autorunner.handler.pool.LocalPendingCreates;
import io.autorunner.handler.pool.PendingCreates;
import io.autorunner.handler.pool.Pools;
import io.autorunner.handler.pool.PoolsProperties;
import io.autorunner.handler.task.LifecycleCounters;
import io.autorunner.handler.task.PoolTopUp;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.task.TaskOutcome;
import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.testing.InMemoryMachines;
import io.autorunner.handler.testing.InMemoryRegistry;
import io.autorunner.handler.testing.MutableClock;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.Machine;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A job takes an idle pool runner while its own create, on another handler instance, is still
 * making its VM: the refill waits for that VM and adopts it, rather than booting a pool VM of its
 * own and leaving the job's VM to be retired as a spare. The instances share GCE, GitHub and the
 * creates-under-way store, nothing else.
 */
class PoolRefillRaceTest {

  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");
  private static final List<String> CPU = List.of("self-hosted", "gce");
  private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");
  private static final RoutingRules RULES =
      new RoutingRules(List.of("self-hosted", "gce"), List.of("acme"), List.of(), false);
  private static final JobRef JOB = new JobRef(88, 588, 1, "acme/models", "acme", 555L);

  private InMemoryMachines machines;
  private InMemoryRegistry github;
  private MutableClock clock;
  private PendingCreates shared;
  private PoolTopUp creatingInstancePools;
  private RunnerLifecycle creatingInstance;
  private Reconciler refillingInstance;
  private long poolRunnerId;

  @BeforeEach
  void setUp() {
    machines = new InMemoryMachines();
    machines.now = T0;
    github = new InMemoryRegistry();
    clock = new MutableClock(T0);
    github.clock = clock;
    shared = new LocalPendingCreates();
    creatingInstancePools = pools();
    creatingInstance = lifecycle(creatingInstancePools);
    PoolTopUp refillingPools = pools();
    refillingInstance = reconciler(lifecycle(refillingPools), refillingPools);

    creatingInstancePools.keepAll();
    poolRunnerId = new VmBoots(machines, github, clock).askForRunner("ghr-p-gpu-1");
    github.markOnline("ghr-p-gpu-1");
    github.knowsQueued(JOB.jobId());
  }

  private PoolTopUp pools() {
    Pools pools =
        Pools.of(
            new PoolsProperties(
                Map.of(
                    "gpu",
                    new PoolsProperties.Settings(
                        GPU, 1, "acme", List.of(), "UTC", Duration.ofHours(2)))),
            new LabelPolicy(PolicyProperties.defaults()),
            RULES);
    return Fixtures.pools(pools, machines, github, 10, new LifecycleCounters(), shared, clock);
  }

  private RunnerLifecycle lifecycle(PoolTopUp pools) {
    return Fixtures.lifecycle(
        machines, github, RULES, 10, new InMemoryReplacementLedger(), pools, clock);
  }

  private Reconciler reconciler(RunnerLifecycle lifecycle, PoolTopUp pools) {
    return TestReconcilers.of(
        machines,
        github,
        lifecycle,
        new InMemoryReplacementLedger(),
        RULES,
        10,
        new ConfiguredSweepSources(List.of("acme/models"), List.of()),
        pools,
        clock);
  }

  /** GitHub gives the queued job to the idle pool runner; the webhook's check-runner task runs. */
  private TaskOutcome jobTakesThePoolRunner() {
    github.markBusy("ghr-p-gpu-1");
    github.jobs.put(JOB.jobId(), new JobStatus(JOB.jobId(), "in_progress", null, null));
    return refill();
  }

  /** The in_progress delivery's check-runner task, on the other instance (again, when retried). */
  private TaskOutcome refill() {
    return refillingInstance.replaceIfTaken(
        new RunnerTask.CheckRunner(JOB, "ghr-p-gpu-1", poolRunnerId));
  }

  private List<String> poolVms() {
    return machines.list().stream().filter(vm -> vm.pool().isPresent()).map(Machine::name).toList();
  }

  @Test
  void theRefillWaitsForTheJobsVmStillBeingMadeAndAdoptsIt() {
    List<TaskOutcome> whileCreating = new ArrayList<>();
    machines.beforeCreate = () -> whileCreating.add(jobTakesThePoolRunner());

    TaskOutcome created =
        creatingInstance.create(new RunnerTask.CreateRunner(JOB, GPU, "ghr-88-1"));
    TaskOutcome retried = refill();

    assertThat(created.vmCreated()).isTrue();
    assertThat(whileCreating).hasSize(1);
    assertThat(whileCreating.get(0).kind()).isEqualTo(TaskOutcome.Kind.RETRY);
    assertThat(whileCreating.get(0).reason()).contains("ghr-88-1 is still being made");
    assertThat(retried.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(retried.reason()).contains("its own VM ghr-88-1 is the refill");
    assertThat(poolVms()).containsExactlyInAnyOrder("ghr-p-gpu-1", "ghr-88-1");
    assertThat(machines.inserted)
        .as("no pool VM booted beside the job's own")
        .containsExactly("ghr-p-gpu-1", "ghr-88-1");
  }

  @Test
  void aCreateThatFindsTheJobTakenLeavesNoMarkAndTheRefillTopsUp() {
    TaskOutcome refill = jobTakesThePoolRunner();
    TaskOutcome created =
        creatingInstance.create(new RunnerTask.CreateRunner(JOB, GPU, "ghr-88-1"));

    assertThat(refill.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(refill.reason()).contains("created [ghr-p-gpu-2]");
    assertThat(created.reason()).contains("no VM needed");
    assertThat(creatingInstancePools.beingCreated("ghr-88-1")).isFalse();
  }

  @Test
  void aFailedCreateEndsItsMarkSoTheRetriedRefillTopsUp() {
    List<TaskOutcome> whileCreating = new ArrayList<>();
    machines.beforeCreate =
        () -> {
          whileCreating.add(jobTakesThePoolRunner());
          throw new ComputeException.Capacity("no L4 in any zone", null);
        };

    TaskOutcome created =
        creatingInstance.create(new RunnerTask.CreateRunner(JOB, GPU, "ghr-88-1"));
    TaskOutcome retried = refill();

    assertThat(created.vmCreated()).isFalse();
    assertThat(whileCreating.get(0).kind()).isEqualTo(TaskOutcome.Kind.RETRY);
    assertThat(retried.reason()).contains("created [ghr-p-gpu-2]");
  }

  @Test
  void aMarkWhoseCreateDiedLapsesAndTheRefillTopsUp() {
    shared.begin("ghr-88-1", T0.plus(PoolTopUp.PENDING_FOR)); // an instance killed mid-create

    assertThat(jobTakesThePoolRunner().kind()).isEqualTo(TaskOutcome.Kind.RETRY);
    clock.advance(PoolTopUp.PENDING_FOR);
    TaskOutcome late = refill();

    assertThat(late.reason()).contains("created [ghr-p-gpu-2]");
  }

  @Test
  void aCreateNoPoolCouldAdoptMarksNothing() {
    List<Boolean> markedWhileCreating = new ArrayList<>();
    machines.beforeCreate =
        () -> markedWhileCreating.add(creatingInstancePools.beingCreated("ghr-89-1"));
    github.knowsQueued(89);

    creatingInstance.create(
        new RunnerTask.CreateRunner(
            new JobRef(89, 589, 1, "acme/models", "acme", 555L), CPU, "ghr-89-1"));

    assertThat(markedWhileCreating).containsExactly(false);
  }

  @Test
  void twoDeliveriesOfOneCreateHoldTheirOwnMarks() {
    PendingCreates.Mark first = shared.begin("ghr-88-1", T0.plusSeconds(300));
    PendingCreates.Mark second = shared.begin("ghr-88-1", T0.plusSeconds(300));

    first.close();
    assertThat(shared.pending("ghr-88-1", T0)).as("the other delivery still makes it").isTrue();
    second.close();
    second.close();
    assertThat(shared.pending("ghr-88-1", T0)).isFalse();
  }
}
