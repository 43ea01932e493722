package io.autorunner.handler.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.handout.VmBoots;
import io.autorunner.handler.ledger.InMemoryReplacementLedger;
import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.testing.InMemoryMachines;
import io.autorunner.handler.testing.InMemoryRegistry;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.Requests;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RunnerLifecycleTests {

  private static final JobRef JOB = new JobRef(4242, 9001, 1, "acme/models", "acme", 555L);

  private InMemoryMachines machines;
  private InMemoryRegistry github;
  private VmBoots boots;
  private RunnerLifecycle lifecycle;
  private boolean standardOnRerun;
  private PolicyProperties policy = PolicyProperties.defaults();
  private RoutingRules rules = new RoutingRules(List.of("self-hosted", "gce"), null, null, false);
  private final LifecycleCounters counters = new LifecycleCounters();

  @BeforeEach
  void setUp() {
    machines = new InMemoryMachines();
    github = new InMemoryRegistry();
    boots = new VmBoots(machines, github, Clock.fixed(machines.now, ZoneOffset.UTC));
    github.knowsQueued(4242);
    lifecycle = lifecycle(3);
  }

  @Test
  void queuedGpuJobGetsAVmThatAsksForItsRunnerAndCarriesNoSecret() {
    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(outcome.reason()).contains("ghr-4242-1", "nvidia-tesla-t4", "spot");
    MachineRequest inserted = machines.created.get("ghr-4242-1");
    assertThat(inserted.spec().machineType()).isEqualTo("n1-standard-4");
    assertThat(inserted.handout()).isEqualTo(InMemoryMachines.HANDOUT);
    assertThat(inserted.startupScript())
        .contains("autorunner-runner-config-url")
        .doesNotContain(InMemoryRegistry.JIT_CONFIG);
    // Nothing is minted before the VM proves who it is.
    assertThat(github.minted).isEmpty();
    assertThat(machines.find("ghr-4242-1").orElseThrow().runnerId()).isEmpty();
  }

  @Test
  void theBootedVmIsHandedARunnerWithTheJobsLabelsAndRecordsIt() {
    lifecycle.create(queuedGpuJob());

    long runner = boots.askForRunner("ghr-4242-1");

    assertThat(github.runners.get("ghr-4242-1").id()).isEqualTo(runner);
    assertThat(github.runners.get("ghr-4242-1").labels())
        .isEqualTo(machines.created.get("ghr-4242-1").spec().labels());
    assertThat(machines.find("ghr-4242-1").orElseThrow().runnerId()).hasValue(runner);
  }

  @Test
  void repeatedCreateFindsTheVmAndMakesNoSecondOneNorRunner() {
    lifecycle.create(queuedGpuJob());
    boots.askForRunner("ghr-4242-1");
    TaskOutcome again = lifecycle.create(queuedGpuJob());

    assertThat(again.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(again.reason()).contains("exists already");
    assertThat(machines.inserted).hasSize(1);
    assertThat(github.minted).hasSize(1);
  }

  @Test
  void aCreateForAJobGitHubDoesNotKnowMakesNoVm() {
    github.jobs.clear();

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(outcome.status().is2xxSuccessful()).isTrue();
    assertThat(outcome.reason()).contains("does not know job 4242", "no VM made");
    assertThat(machines.inserted).isEmpty();
    assertThat(github.minted).isEmpty();
  }

  @Test
  void aCreateForAJobNoLongerQueuedMakesNoVm() {
    github.jobs.put(
        4242L, new io.autorunner.handler.github.JobStatus(4242, "completed", "cancelled", null));

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(outcome.reason()).contains("completed");
    assertThat(machines.created).isEmpty();
    assertThat(github.runners).isEmpty();
  }

  @Test
  void refusedLabelsAreAPermanentAnswerThatCreatesNothing() {
    TaskOutcome outcome =
        lifecycle.create(
            new RunnerTask.CreateRunner(
                JOB, List.of("self-hosted", "gce", "gpu=64"), "ghr-4242-1"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.REFUSED);
    assertThat(outcome.status().is2xxSuccessful()).isTrue();
    assertThat(outcome.reason()).contains("gpu=64");
    assertThat(machines.created).isEmpty();
    assertThat(github.runners).isEmpty();
  }

  @Test
  void theCapOnVmsAsksCloudTasksToRetryLater() {
    lifecycle = lifecycle(1);
    github.knowsQueued(4343);
    lifecycle.create(queuedGpuJob());

    TaskOutcome outcome = lifecycle.create(create(4343));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.AT_CAPACITY);
    assertThat(outcome.status().value()).isEqualTo(429);
    assertThat(machines.created).hasSize(1);
  }

  @Test
  void noCapacityInAnyZoneIsRetriedAndMintsNothing() {
    machines.failCreate = new ComputeException.Capacity("every zone is out of T4s", null);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.RETRY);
    assertThat(outcome.status().value()).isEqualTo(503);
    assertThat(github.minted).isEmpty();
  }

  @Test
  void aPermanentComputeFailureIsRefusedWithItsReason() {
    machines.failCreate = new ComputeException.Permanent("quota GPUS_ALL_REGIONS is 0", null);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.REFUSED);
    assertThat(outcome.reason()).contains("GPUS_ALL_REGIONS");
    assertThat(github.minted).isEmpty();
  }

  @Test
  void aGitHubOutageWhileLookingUpTheJobIsRetriedBeforeAnyVmExists() {
    github.failJob = new GitHubException.Transient("GitHub answered 502", null);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.RETRY);
    assertThat(machines.inserted).isEmpty();
  }

  @Test
  void deleteRemovesTheVmAndItsLeftoverRunner() {
    lifecycle.create(queuedGpuJob());
    long runner = boots.askForRunner("ghr-4242-1");

    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(JOB, "ghr-4242-1", runner, "failure"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(machines.created).isEmpty();
    assertThat(github.runners).isEmpty();
  }

  @Test
  void deleteOfAVmAlreadyGoneIsDone() {
    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(JOB, "ghr-4242-1", null, "success"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(outcome.reason()).contains("gone already");
  }

  @Test
  void deleteRetriesWhenComputeEngineFailsTransiently() {
    lifecycle.create(queuedGpuJob());
    machines.failDelete = new ComputeException.Transient("503 from GCE", null);

    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(JOB, "ghr-4242-1", null, "success"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.RETRY);
  }

  @Test
  void releaseDeletesTheVmOfACancelledJobWhileItsRunnerIsIdle() {
    lifecycle.create(queuedGpuJob());
    boots.askForRunner("ghr-4242-1");

    TaskOutcome outcome = lifecycle.release(release());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(machines.created).isEmpty();
    assertThat(github.runners).isEmpty();
  }

  @Test
  void releaseOfAVmThatHasNotAskedYetClaimsItSoItNeverGetsARunnerAndDeletesIt() {
    lifecycle.create(queuedGpuJob());

    TaskOutcome outcome = lifecycle.release(release());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(outcome.reason()).contains("released");
    assertThat(machines.deleted).containsExactly("ghr-4242-1");
    assertThat(machines.labelsWhenDeleted.get("ghr-4242-1"))
        .containsEntry(MachineLabels.RETIRING, "true");
    assertThat(github.minted).isEmpty();
  }

  @Test
  void releaseNeverTouchesAVmWhoseRunnerIsBusyWithAnotherJob() {
    lifecycle.create(queuedGpuJob());
    boots.askForRunner("ghr-4242-1");
    github.markBusy("ghr-4242-1");

    TaskOutcome outcome = lifecycle.release(release());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(outcome.reason()).contains("busy");
    assertThat(machines.created).containsKey("ghr-4242-1");
    assertThat(machines.deleted).isEmpty();
  }

  @Test
  void releaseWithNothingToReleaseIsDone() {
    assertThat(lifecycle.release(release()).kind()).isEqualTo(TaskOutcome.Kind.DONE);
  }

  @Test
  void aJobFailedByAPreemptionIsReRunOnceAndCounted() {
    lifecycle.create(queuedGpuJob());
    long runner = boots.askForRunner("ghr-4242-1");
    machines.preempt("ghr-4242-1");

    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(JOB, "ghr-4242-1", runner, "failure"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(outcome.reason()).contains("preempted, job re-run");
    assertThat(github.reruns).containsExactly(4242L);
    assertThat(github.runners).isEmpty();
    assertThat(counters.preemptions()).isEqualTo(1);
    assertThat(counters.reruns()).isEqualTo(1);
  }

  @Test
  void aPreemptedReRunPastTheBoundStaysFailed() {
    JobRef secondAttempt = new JobRef(5000, 9001, 2, "acme/models", "acme", 555L);
    machines.preempted.add("ghr-5000-2");

    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(secondAttempt, "ghr-5000-2", 7L, "failure"));

    assertThat(outcome.reason()).contains("re-run limit reached");
    assertThat(github.reruns).isEmpty();
    assertThat(counters.preemptions()).isEqualTo(1);
  }

  @Test
  void anOrdinaryFailureIsNotReRun() {
    lifecycle.create(queuedGpuJob());
    long runner = boots.askForRunner("ghr-4242-1");

    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(JOB, "ghr-4242-1", runner, "failure"));

    assertThat(outcome.reason()).contains("deleted");
    assertThat(github.reruns).isEmpty();
    assertThat(counters.preemptions()).isZero();
  }

  @Test
  void theReRunOfAPreemptedJobGetsStandardProvisioningWhenConfigured() {
    standardOnRerun = true;
    lifecycle = lifecycle(3);
    JobRef rerun = new JobRef(4243, 9001, 2, "acme/models", "acme", 555L);
    github.jobs.put(4243L, new JobStatus(4243, "queued", null, null, "test (gpu)"));
    github.attempts.put(
        "9001/1", List.of(new JobStatus(4242, "completed", "failure", "ghr-4242-1", "test (gpu)")));
    machines.preempted.add("ghr-4242-1");

    lifecycle.create(
        new RunnerTask.CreateRunner(rerun, List.of("self-hosted", "gce", "gpu"), "ghr-4243-2"));

    assertThat(machines.created.get("ghr-4243-2").spec().spot()).isFalse();
  }

  @Test
  void theReRunOfAPreemptedJobStaysSpotWhereOnlySpotIsAllowed() {
    standardOnRerun = true;
    policy = Requests.spotOnlyPolicy();
    lifecycle = lifecycle(3);
    JobRef rerun = new JobRef(4243, 9001, 2, "acme/models", "acme", 555L);
    github.jobs.put(4243L, new JobStatus(4243, "queued", null, null, "test (gpu)"));
    github.attempts.put(
        "9001/1", List.of(new JobStatus(4242, "completed", "failure", "ghr-4242-1", "test (gpu)")));
    machines.preempted.add("ghr-4242-1");

    TaskOutcome outcome =
        lifecycle.create(
            new RunnerTask.CreateRunner(rerun, List.of("self-hosted", "gce", "gpu"), "ghr-4243-2"));

    assertThat(outcome.vmCreated()).isTrue();
    assertThat(machines.created.get("ghr-4243-2").spec().spot()).isTrue();
    assertThat(counters.snapshot()).containsEntry("standardAfterPreemption", 0L);
  }

  @Test
  void spotFalseIsRefusedWhereOnlySpotIsAllowed() {
    policy = Requests.spotOnlyPolicy();
    lifecycle = lifecycle(3);

    TaskOutcome outcome =
        lifecycle.create(
            new RunnerTask.CreateRunner(
                JOB, List.of("self-hosted", "gce", "spot=false"), "ghr-4242-1"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.REFUSED);
    assertThat(outcome.reason()).contains("spot=false", "autorunner.policy.allow-standard=false");
    assertThat(machines.created).isEmpty();
    assertThat(github.runners).isEmpty();
  }

  @Test
  void theReRunStaysSpotWhenThePreviousAttemptWasNotPreempted() {
    standardOnRerun = true;
    lifecycle = lifecycle(3);
    JobRef rerun = new JobRef(4243, 9001, 2, "acme/models", "acme", 555L);
    github.jobs.put(4243L, new JobStatus(4243, "queued", null, null, "test (gpu)"));
    github.attempts.put(
        "9001/1", List.of(new JobStatus(4242, "completed", "failure", "ghr-4242-1", "test (gpu)")));

    lifecycle.create(
        new RunnerTask.CreateRunner(rerun, List.of("self-hosted", "gce", "gpu"), "ghr-4243-2"));

    assertThat(machines.created.get("ghr-4243-2").spec().spot()).isTrue();
  }

  @Test
  void aJobGitHubReportsAsWaitingStillGetsItsVm() {
    github.jobs.put(4242L, new JobStatus(4242, "waiting", null, null));

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.vmCreated()).isTrue();
    assertThat(machines.created).containsKey("ghr-4242-1");
  }

  @Test
  void aCreateForARepositoryOutsideTheAllowListsIsRefusedAndMakesNothing() {
    rules = new RoutingRules(List.of("self-hosted", "gce"), List.of("other-org"), List.of(), false);
    lifecycle = lifecycle(3);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.REFUSED);
    assertThat(outcome.reason()).contains("acme/models", "outside the allowed");
    assertThat(machines.created).isEmpty();
    assertThat(github.runners).isEmpty();
  }

  @Test
  void aCreateThatLosesTheRaceForTheLastPlaceDeletesItsVmAndAnswers429() {
    lifecycle = lifecycle(1);
    // Another handler instance inserts its VM between this create's check and its insert; GCE
    // stamps that one earlier.
    machines.beforeCreate =
        () ->
            machines.add(
                "ghr-1-1", new JobRef(1, 1, 1, "acme/models", "acme", 555L), machines.now, 9L);
    machines.now = machines.now.plusMillis(5);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.AT_CAPACITY);
    assertThat(outcome.status().value()).isEqualTo(429);
    assertThat(machines.created).containsOnlyKeys("ghr-1-1");
    assertThat(machines.deleted).containsExactly("ghr-4242-1");
    // Claimed first, so that the VM, were it asking already, gets no runner.
    assertThat(machines.labelsWhenDeleted.get("ghr-4242-1"))
        .containsEntry(MachineLabels.RETIRING, "true");
    assertThat(github.minted).isEmpty();
  }

  @Test
  void theCreateRankedFirstKeepsItsVmWhenALaterOneOvershoots() {
    lifecycle = lifecycle(1);
    machines.beforeCreate =
        () ->
            machines.add(
                "ghr-1-1",
                new JobRef(1, 1, 1, "acme/models", "acme", 555L),
                machines.now.plusMillis(5),
                9L);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.vmCreated()).isTrue();
    assertThat(machines.created).containsKeys("ghr-4242-1", "ghr-1-1");
  }

  @Test
  void anOvershootingVmWhoseRunnerTookAJobAtOnceStaysRatherThanKillTheJob() {
    lifecycle = lifecycle(1);
    machines.beforeCreate =
        () ->
            machines.add(
                "ghr-1-1", new JobRef(1, 1, 1, "acme/models", "acme", 555L), machines.now, 9L);
    // The VM boots, gets its runner and takes a job before the create's second look at the cap.
    machines.afterCreate =
        () -> {
          boots.askForRunner("ghr-4242-1");
          github.markBusy("ghr-4242-1");
        };

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.vmCreated()).isTrue();
    assertThat(outcome.reason()).contains("busy at once");
    assertThat(machines.created).containsKeys("ghr-4242-1", "ghr-1-1");
    assertThat(github.runners).containsKey("ghr-4242-1");
  }

  @Test
  void anOvershootingVmHandedItsRunnerWhileBeingUndoneIsUndoneRunnerFirst() {
    lifecycle = lifecycle(1);
    machines.beforeCreate =
        () ->
            machines.add(
                "ghr-1-1", new JobRef(1, 1, 1, "acme/models", "acme", 555L), machines.now, 9L);
    // The VM asks between the undo's read and its claim: the handout wins the fingerprint.
    long[] handedOut = new long[1];
    machines.beforeRelabel = () -> handedOut[0] = boots.askForRunner("ghr-4242-1");

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.AT_CAPACITY);
    assertThat(github.deletedIds).containsExactly(handedOut[0]);
    assertThat(machines.created).containsOnlyKeys("ghr-1-1");
  }

  @Test
  void aRetryFindingItsVmOverTheCapUndoesItWhenTheFirstAttemptCouldNotCheck() {
    lifecycle = lifecycle(1);
    machines.add("ghr-1-1", new JobRef(1, 1, 1, "acme/models", "acme", 555L), machines.now, 9L);
    // The first attempt inserted its VM (stamped later) and died before its check.
    machines.add("ghr-4242-1", JOB, machines.now.plusMillis(5), 10L);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.AT_CAPACITY);
    assertThat(machines.created).containsOnlyKeys("ghr-1-1");
  }

  @Test
  void aVmLeftOverTheCapByACreateThatDiedIsTakenBackByTheNextCreatePastTheSettleWindow() {
    lifecycle = capOfOneSettling15sAt(16);
    machines.add("ghr-1-1", new JobRef(1, 1, 1, "acme/models", "acme", 555L), machines.now, 9L);
    // Its create inserted it and died before its check: over the cap, never handed a runner.
    machines.add("ghr-2-1", new JobRef(2, 2, 1, "acme/models", "acme", 555L), machines.now);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.AT_CAPACITY);
    assertThat(machines.deleted).containsExactly("ghr-2-1");
    assertThat(machines.labelsWhenDeleted.get("ghr-2-1"))
        .containsEntry(MachineLabels.RETIRING, "true");
    assertThat(machines.created).containsOnlyKeys("ghr-1-1");
  }

  @Test
  void aVmOverTheCapWhoseUndoFailedToDeleteItIsTakenBackByTheNextCreate() {
    lifecycle = capOfOneSettling15sAt(16);
    machines.add("ghr-1-1", new JobRef(1, 1, 1, "acme/models", "acme", 555L), machines.now, 9L);
    // Its create's undo claimed it, then GCE answered the delete with a 503.
    machines.add("ghr-2-1", new JobRef(2, 2, 1, "acme/models", "acme", 555L), machines.now);
    machines.changeLabels("ghr-2-1", labels -> labels.put(MachineLabels.RETIRING, "true"));

    lifecycle.create(queuedGpuJob());

    assertThat(machines.deleted).containsExactly("ghr-2-1");
  }

  @Test
  void aVmOverTheCapWithinTheSettleWindowIsLeftToItsOwnCreate() {
    lifecycle = capOfOneSettling15sAt(5);
    machines.add("ghr-1-1", new JobRef(1, 1, 1, "acme/models", "acme", 555L), machines.now, 9L);
    machines.add("ghr-2-1", new JobRef(2, 2, 1, "acme/models", "acme", 555L), machines.now);

    lifecycle.create(queuedGpuJob());

    assertThat(machines.deleted).isEmpty();
    assertThat(machines.created).containsOnlyKeys("ghr-1-1", "ghr-2-1");
  }

  @Test
  void aVmOverTheCapThatWasHandedARunnerIsNotTheCreatesToTakeBack() {
    lifecycle = capOfOneSettling15sAt(60);
    machines.add("ghr-1-1", new JobRef(1, 1, 1, "acme/models", "acme", 555L), machines.now, 9L);
    // A listing lagged and it got its runner: only the reconciler, which reads GitHub, judges it.
    machines.add("ghr-2-1", new JobRef(2, 2, 1, "acme/models", "acme", 555L), machines.now, 10L);

    lifecycle.create(queuedGpuJob());

    assertThat(machines.deleted).isEmpty();
  }

  @Test
  void anInsertThatTimedOutIsRetriedAndTheRetryFindsTheVmItMayHaveMade() {
    machines.failCreate = new ComputeException.Transient("insert did not finish", null, true);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.RETRY);
    // The insert finished after all; the retry must not make a second VM.
    machines.failCreate = null;
    machines.add("ghr-4242-1", JOB, machines.now);
    TaskOutcome retried = lifecycle.create(queuedGpuJob());

    assertThat(retried.kind()).isEqualTo(TaskOutcome.Kind.DONE);
    assertThat(retried.reason()).contains("exists already");
    assertThat(machines.created).containsOnlyKeys("ghr-4242-1");
    assertThat(github.minted).isEmpty();
  }

  @Test
  void anInsertThatFailedOutrightLeavesNothingOnGitHubToFree() {
    machines.failCreate = new ComputeException.Transient("503 on insert", null);

    TaskOutcome outcome = lifecycle.create(queuedGpuJob());

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.RETRY);
    assertThat(github.minted).isEmpty();
    assertThat(github.deletedIds).isEmpty();
  }

  @Test
  void aCompletedDeliveryNamingAnotherRunnerIdLeavesOurVmAlone() {
    lifecycle.create(queuedGpuJob());
    boots.askForRunner("ghr-4242-1");

    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(JOB, "ghr-4242-1", 999L, "success"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.REFUSED);
    assertThat(outcome.reason()).contains("not our runner", "999");
    assertThat(machines.created).containsKey("ghr-4242-1");
    assertThat(github.runners).containsKey("ghr-4242-1");
  }

  @Test
  void aCompletedDeliveryForAVmNeverHandedARunnerLeavesItAlone() {
    lifecycle.create(queuedGpuJob());

    // Someone registered a runner called like our VM; its job finished.
    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(JOB, "ghr-4242-1", 555L, "success"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.REFUSED);
    assertThat(outcome.reason()).contains("not our runner", "has not been handed a runner");
    assertThat(machines.created).containsKey("ghr-4242-1");
    assertThat(machines.deleted).isEmpty();
  }

  @Test
  void aCompletedDeliveryFromAnotherOrganisationLeavesOurVmAlone() {
    lifecycle.create(queuedGpuJob());
    JobRef elsewhere = new JobRef(77, 78, 1, "evil/repo", "evil", 9L);

    TaskOutcome outcome =
        lifecycle.delete(new RunnerTask.DeleteRunner(elsewhere, "ghr-4242-1", null, "success"));

    assertThat(outcome.kind()).isEqualTo(TaskOutcome.Kind.REFUSED);
    assertThat(machines.created).containsKey("ghr-4242-1");
  }

  @Test
  void aRedeliveredDeleteOfAPreemptedJobReRunsItOnlyOnce() {
    lifecycle.create(queuedGpuJob());
    long runner = boots.askForRunner("ghr-4242-1");
    machines.preempt("ghr-4242-1");
    RunnerTask.DeleteRunner delete =
        new RunnerTask.DeleteRunner(JOB, "ghr-4242-1", runner, "failure");

    lifecycle.delete(delete);
    TaskOutcome again = lifecycle.delete(delete);

    assertThat(github.reruns).containsExactly(4242L);
    assertThat(again.reason()).contains("re-run already");
    assertThat(counters.reruns()).isEqualTo(1);
  }

  private RunnerLifecycle lifecycle(int maxInstances) {
    return lifecycle(new InstanceCap(maxInstances));
  }

  /** A cap of one VM, taken back past 15 s, read {@code seconds} after {@code machines.now}. */
  private RunnerLifecycle capOfOneSettling15sAt(int seconds) {
    Clock clock = Clock.fixed(machines.now.plusSeconds(seconds), java.time.ZoneOffset.UTC);
    return lifecycle(new InstanceCap(1, Duration.ofSeconds(15), clock));
  }

  private RunnerLifecycle lifecycle(InstanceCap cap) {
    return new RunnerLifecycle(
        new LabelPolicy(policy),
        rules,
        machines,
        github,
        new StartupScripts(Fixtures.githubProperties()),
        InMemoryMachines.HANDOUT,
        cap,
        new io.autorunner.handler.task.PreemptionProperties(1, standardOnRerun),
        counters,
        new InMemoryReplacementLedger(),
        Fixtures.noPools(machines, github),
        Fixtures.machineLog(Clock.systemUTC()));
  }

  private static RunnerTask.CreateRunner queuedGpuJob() {
    return create(4242);
  }

  private static RunnerTask.CreateRunner create(long jobId) {
    return new RunnerTask.CreateRunner(
        new JobRef(jobId, 9001, 1, "acme/models", "acme", 555L),
        List.of("self-hosted", "gce", "gpu"),
        "ghr-" + jobId + "-1");
  }

  private static RunnerTask.ReleaseRunner release() {
    return new RunnerTask.ReleaseRunner(JOB, List.of("self-hosted", "gce", "gpu"), "ghr-4242-1");
  }
}
