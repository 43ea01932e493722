package io.autorunner.handler.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.handout.VmBoots;
import io.autorunner.handler.ledger.InMemoryReplacementLedger;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.testing.InMemoryMachines;
import io.autorunner.handler.testing.InMemoryRegistry;
import io.autorunner.handler.testing.MutableClock;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.MachineLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each case of the safety net, against in-memory GCE and GitHub. */
class ReconcilerTests {

  private static final List<String> GPU = List.of("self-hosted", "gce", "gpu");
  private static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");

  private InMemoryMachines machines;
  private InMemoryRegistry github;
  private VmBoots boots;
  private RunnerLifecycle lifecycle;
  private MutableClock clock;
  private Reconciler reconciler;
  private InMemoryReplacementLedger ledger;

  @BeforeEach
  void setUp() {
    machines = new InMemoryMachines();
    machines.now = T0;
    github = new InMemoryRegistry();
    clock = new MutableClock(T0);
    github.clock = clock;
    boots = new VmBoots(machines, github, clock);
    ledger = new InMemoryReplacementLedger();
    lifecycle = lifecycle(10);
    reconciler = reconciler(10);
  }

  private RunnerLifecycle lifecycle(int maxInstances) {
    return Fixtures.lifecycle(
        machines,
        github,
        new RoutingRules(List.of("self-hosted", "gce"), null, null, false),
        maxInstances,
        ledger,
        Fixtures.noPools(machines, github),
        clock);
  }

  /** A reconciler as another handler instance would have it: nothing shared but the ledger. */
  private Reconciler reconciler(int maxInstances) {
    return reconciler(maxInstances, new ConfiguredSweepSources(List.of("acme/models"), List.of()));
  }

  private Reconciler reconciler(int maxInstances, SweepSources sources) {
    return TestReconcilers.of(
        machines,
        github,
        lifecycle,
        ledger,
        new RoutingRules(List.of("self-hosted", "gce"), List.of(), List.of(), false),
        maxInstances,
        sources,
        Fixtures.noPools(machines, github),
        clock);
  }

  @Test
  void aJobWhoseQueuedDeliveryWasLostGetsAVm() {
    github.queued.add(new QueuedJob(job(7), GPU, T0));
    clock.advance(Duration.ofMinutes(6));

    ReconcileReport report = reconciler.reconcile();

    assertThat(report.getCreatedVms())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-7-1");
    assertThat(machines.created).containsKey("ghr-7-1");
  }

  @Test
  void aFreshlyQueuedJobIsLeftToItsOwnWebhook() {
    github.queued.add(new QueuedJob(job(7), GPU, T0));
    clock.advance(Duration.ofMinutes(2));

    assertThat(reconciler.reconcile().getCreatedVms()).isEmpty();
  }

  @Test
  void queuedJobsWithoutOurTriggerLabelsAreNotOurs() {
    github.queued.add(new QueuedJob(job(7), List.of("ubuntu-latest"), T0));
    clock.advance(Duration.ofHours(1));

    assertThat(reconciler.reconcile().getCreatedVms()).isEmpty();
  }

  @Test
  void theVmOfACancelledJobIsReapedOnceItsRunnerIdles() {
    created(8);
    github.markOnline("ghr-8-1");
    github.jobs.put(8L, new JobStatus(8, "completed", "cancelled", null));
    clock.advance(Duration.ofMinutes(11));

    ReconcileReport report = reconciler.reconcile();

    assertThat(report.getDeletedVms())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-8-1");
    assertThat(machines.created).isEmpty();
    assertThat(github.runners).isEmpty();
  }

  @Test
  void anIdleVmWhoseJobStillQueuesIsKept() {
    created(8);
    github.markOnline("ghr-8-1");
    github.jobs.put(8L, new JobStatus(8, "queued", null, null));
    clock.advance(Duration.ofMinutes(11));

    assertThat(reconciler.reconcile().getDeletedVms()).isEmpty();
    assertThat(machines.created).containsKey("ghr-8-1");
  }

  @Test
  void aVmThatNeverAsksForItsRunnerIsReapedAfterItsBootWindowAndNotBefore() {
    github.knowsQueued(9);
    lifecycle.create(create(9));
    clock.advance(Duration.ofMinutes(9));
    assertThat(reconciler.reconcile().getDeletedVms()).isEmpty();

    clock.advance(Duration.ofMinutes(2));
    ReconcileReport report = reconciler.reconcile();

    assertThat(report.getDeletedVms())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("never registered"));
    assertThat(machines.created).isEmpty();
    // Claimed before the delete: had it asked at that moment, it would have got nothing.
    assertThat(machines.labelsWhenDeleted.get("ghr-9-1"))
        .containsEntry(MachineLabels.RETIRING, "true");
    assertThat(github.minted).isEmpty();
  }

  @Test
  void aVmWhoseRunnerNeverCameOnlineIsReapedAfterItsBootWindow() {
    created(9);
    clock.advance(Duration.ofMinutes(11));

    ReconcileReport report = reconciler.reconcile();

    assertThat(report.getDeletedVms())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("offline past the boot window"));
    assertThat(machines.created).isEmpty();
    assertThat(github.runners).isEmpty();
  }

  @Test
  void aBusyVmIsNeverTouchedEvenPastEveryWindow() {
    created(10);
    github.markBusy("ghr-10-1");
    clock.advance(Duration.ofHours(5));

    ReconcileReport report = reconciler.reconcile();

    assertThat(report.getDeletedVms()).isEmpty();
    assertThat(machines.created).containsKey("ghr-10-1");
    assertThat(machines.deleted).isEmpty();
  }

  @Test
  void aVmClaimedByARetirementWhoseDeleteFailedGoesAtTheNextSweep() {
    github.knowsQueued(13);
    lifecycle.create(create(13));
    // A retirement claimed it, then GCE refused the delete (a 503).
    machines.changeLabels("ghr-13-1", labels -> labels.put(MachineLabels.RETIRING, "true"));
    clock.advance(Duration.ofSeconds(30));

    assertThat(reconciler.reconcile().getDeletedVms())
        .singleElement()
        .satisfies(e -> assertThat(e.reason()).contains("retired"));
    assertThat(machines.created).isEmpty();
  }

  @Test
  void aStoppedVmIsReaped() {
    github.knowsQueued(11);
    lifecycle.create(create(11));
    machines.status.put("ghr-11-1", "TERMINATED");
    clock.advance(Duration.ofMinutes(1));

    assertThat(reconciler.reconcile().getDeletedVms())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-11-1");
  }

  @Test
  void anOfflineRunnerWithoutVmIsRemovedAfterItsGracePeriod() {
    created(12);
    machines.created.clear();
    machines.createdAt.clear();

    reconciler.reconcile();
    assertThat(github.runners).containsKey("ghr-12-1");
    clock.advance(Duration.ofMinutes(11));
    ReconcileReport report = reconciler.reconcile();

    assertThat(report.getDeletedRunners())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-12-1");
    assertThat(github.runners).isEmpty();
  }

  @Test
  void aStolenRunnerLeadsToExactlyOneReplacement() {
    created(13);
    github.markBusy("ghr-13-1");
    github.queued.add(new QueuedJob(job(13), GPU, T0));
    clock.advance(Duration.ofMinutes(6));

    ReconcileReport first = reconciler.reconcile();
    clock.advance(Duration.ofMinutes(1));
    ReconcileReport second = reconciler.reconcile();

    assertThat(first.getCreatedVms())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-13-1-r1");
    assertThat(second.getCreatedVms()).isEmpty();
    assertThat(machines.created).containsKeys("ghr-13-1", "ghr-13-1-r1").hasSize(2);
  }

  @Test
  void aJobStartingOnAnotherJobsRunnerGetsThatJobAReplacementAtOnce() {
    created(20);
    github.markBusy("ghr-20-1");

    var outcome = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(21), "ghr-20-1"));
    var again = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(21), "ghr-20-1"));

    assertThat(outcome.reason()).contains("ghr-20-1-r1");
    assertThat(again.reason()).contains("served by ghr-20-1-r1");
    assertThat(machines.created).containsKeys("ghr-20-1", "ghr-20-1-r1").hasSize(2);
  }

  @Test
  void theDelayedCheckOfAVmReplacesItWhenAnotherJobTookItsRunner() {
    created(24);
    github.markBusy("ghr-24-1");

    var outcome = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(24), "ghr-24-1"));

    assertThat(outcome.reason()).contains("ghr-24-1-r1");
  }

  @Test
  void theDelayedCheckLeavesABootingVmAlone() {
    created(25);

    var outcome = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(25), "ghr-25-1"));

    assertThat(outcome.reason()).contains("served by ghr-25-1");
    assertThat(machines.created).hasSize(1);
  }

  @Test
  void theDelayedCheckLeavesAVmThatHasNotAskedForItsRunnerYetAlone() {
    github.knowsQueued(25);
    lifecycle.create(create(25));

    var outcome = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(25), "ghr-25-1"));

    assertThat(outcome.kind()).isEqualTo(io.autorunner.handler.task.TaskOutcome.Kind.DONE);
    assertThat(machines.created).containsOnlyKeys("ghr-25-1");
  }

  @Test
  void replacementsThatRanAnotherJobDoNotCountAgainstTheBound() {
    github.knowsQueued(26);
    lifecycle.create(create(26));
    for (int round = 1; round <= 4; round++) {
      // Each VM made for job 26 is taken by an older job, which then completes on it.
      String taken = machines.created.keySet().iterator().next();
      boots.askForRunner(taken);
      github.markBusy(taken);
      var outcome = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(100 + round), taken));
      assertThat(outcome.reason()).as("round %d", round).contains("VM created");
      lifecycle.delete(new RunnerTask.DeleteRunner(job(100 + round), taken, null, "success"));
    }

    assertThat(machines.created).hasSize(1);
    assertThat(machines.created.keySet().iterator().next()).isEqualTo("ghr-26-1-r4");
  }

  @Test
  void noReplacementWhenTheTakenJobNoLongerQueues() {
    created(22);
    github.markBusy("ghr-22-1");
    github.jobs.put(22L, new JobStatus(22, "in_progress", null, "ghr-99-1"));

    var outcome = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(23), "ghr-22-1"));

    assertThat(outcome.reason()).contains("no longer queues");
    assertThat(machines.created).hasSize(1);
  }

  @Test
  void replacementsAreBoundedPerJob() {
    github.queued.add(new QueuedJob(job(14), GPU, T0));
    for (int round = 0; round < 6; round++) {
      clock.advance(Duration.ofMinutes(11));
      machines.now = clock.instant();
      reconciler.reconcile();
      // Each VM dies without ever registering; the job keeps queuing.
      machines.created.keySet().forEach(name -> machines.status.put(name, "TERMINATED"));
    }

    assertThat(machines.inserted).hasSize(2);
  }

  @Test
  void theReplacementBoundHoldsAcrossInstancesAndRestarts() {
    github.queued.add(new QueuedJob(job(15), GPU, T0));
    for (int round = 0; round < 6; round++) {
      clock.advance(Duration.ofMinutes(11));
      machines.now = clock.instant();
      // A fresh reconciler each round: another instance, or this one after a restart.
      reconciler(10).reconcile();
      machines.created.keySet().forEach(name -> machines.status.put(name, "TERMINATED"));
    }

    assertThat(ledger.of(15).counted()).isEqualTo(2);
    assertThat(machines.inserted).hasSize(2);
  }

  @Test
  void aCreateThatFailedSpendsNothingOfTheJobsBound() {
    github.queued.add(new QueuedJob(job(16), GPU, T0));
    clock.advance(Duration.ofMinutes(6));
    machines.failCreate = new ComputeException.Capacity("no T4 anywhere", null);

    ReconcileReport first = reconciler.reconcile();
    reconciler.reconcile();
    machines.failCreate = null;
    ReconcileReport third = reconciler.reconcile();

    assertThat(first.getFailures()).isNotEmpty();
    assertThat(third.getCreatedVms())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-16-1");
    assertThat(ledger.of(16).counted()).isEqualTo(1);
  }

  @Test
  void vmsOverTheCapPastTheSettleWindowGoNewestFirstAndBusyOnesStay() {
    List.of(30L, 31L, 32L, 33L).forEach(github::knowsQueued);
    lifecycle.create(create(30));
    machines.now = machines.now.plusSeconds(1);
    lifecycle.create(create(31));
    machines.now = machines.now.plusSeconds(1);
    lifecycle.create(create(32));
    machines.now = machines.now.plusSeconds(1);
    lifecycle.create(create(33));
    boots.askForRunner("ghr-33-1");
    github.markBusy("ghr-33-1");
    clock.advance(Duration.ofSeconds(20));

    ReconcileReport report = reconciler(2).reconcile();

    assertThat(report.getDeletedVms())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-32-1");
    assertThat(machines.created).containsOnlyKeys("ghr-30-1", "ghr-31-1", "ghr-33-1");
  }

  @Test
  void aRunnerWithoutVmMintedLongerAgoThanTheGraceGoesAtTheFirstSweep() {
    created(17);
    machines.created.clear();
    machines.createdAt.clear();
    clock.advance(Duration.ofMinutes(11));

    ReconcileReport report = reconciler(10).reconcile();

    assertThat(report.getDeletedRunners())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-17-1");
  }

  @Test
  void aRunnerWithoutVmWhoseJobWaitsNoMoreGoesAtOnceWhenEveryRepositoryWasSwept() {
    created(18);
    machines.created.clear();
    machines.createdAt.clear();
    clock.advance(Duration.ofMinutes(2));
    SweepSources everything =
        new ConfiguredSweepSources(List.of("acme/models"), List.of()) {
          @Override
          public boolean coversEveryRepository() {
            return true;
          }
        };

    ReconcileReport partial = reconciler(10).reconcile();
    ReconcileReport complete = reconciler(10, everything).reconcile();

    assertThat(partial.getDeletedRunners()).isEmpty();
    assertThat(complete.getDeletedRunners())
        .extracting(ReconcileReport.Entry::name)
        .containsExactly("ghr-18-1");
  }

  @Test
  void aRunnerWithoutVmWhoseJobStillWaitsIsLeftToItsCreate() {
    created(19);
    machines.created.clear();
    machines.createdAt.clear();
    github.queued.add(new QueuedJob(job(19), GPU, T0));
    clock.advance(Duration.ofMinutes(2));
    SweepSources everything =
        new ConfiguredSweepSources(List.of("acme/models"), List.of()) {
          @Override
          public boolean coversEveryRepository() {
            return true;
          }
        };

    assertThat(reconciler(10, everything).reconcile().getDeletedRunners()).isEmpty();
  }

  @Test
  void aCheckForARunnerOfThatNameWithAnotherIdMakesNoReplacement() {
    created(27);
    github.markBusy("ghr-27-1");

    var outcome = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(28), "ghr-27-1", 999L));

    assertThat(outcome.reason()).contains("not our runner");
    assertThat(machines.created).hasSize(1);
  }

  @Test
  void aCheckForARunnerNamedLikeAVmThatWasNeverHandedOneMakesNoReplacement() {
    // Someone registered a runner of our VM's name before our VM asked for its own.
    github.knowsQueued(29);
    assertThat(lifecycle.create(create(29)).vmCreated()).isTrue();

    var outcome = reconciler.replaceIfTaken(new RunnerTask.CheckRunner(job(30), "ghr-29-1", 777L));

    assertThat(outcome.reason()).contains("not our runner").contains("not been handed a runner");
    assertThat(machines.created).hasSize(1);
  }

  private static JobRef job(long id) {
    return new JobRef(id, 500 + id, 1, "acme/models", "acme", 555L);
  }

  /**
   * A job GitHub knows as queued gets its VM, which boots and asks for its runner (registered,
   * offline until its process connects).
   */
  private void created(long id) {
    github.knowsQueued(id);
    assertThat(lifecycle.create(create(id)).vmCreated()).isTrue();
    boots.askForRunner("ghr-" + id + "-1");
  }

  private static RunnerTask.CreateRunner create(long id) {
    return new RunnerTask.CreateRunner(job(id), GPU, "ghr-" + id + "-1");
  }
}
