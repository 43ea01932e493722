package io.autorunner.common.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autorunner.common.event.WorkflowJobEvent;
import io.autorunner.common.event.WorkflowJobEvent.Account;
import io.autorunner.common.event.WorkflowJobEvent.Installation;
import io.autorunner.common.event.WorkflowJobEvent.Repository;
import io.autorunner.common.event.WorkflowJobEvent.WorkflowJob;
import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.common.task.TaskKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WorkflowJobRouterTest {

  private static final long JOB_ID = 30433642148L;
  private static final long RUN_ID = 11049587231L;
  private static final InstanceNaming NAMING = new InstanceNaming("ghr");

  private final WorkflowJobRouter router = router(rules());

  @Nested
  class Queued {

    @Test
    void triggeredJobWithValidLabelsGetsACreateRunnerTask() {
      Route route = router.route(queuedGpuJob().build());

      assertThat(route.decision()).isEqualTo(Decision.CREATE_RUNNER);
      assertThat(route.hasTask()).isTrue();
      RunnerTask.CreateRunner task = (RunnerTask.CreateRunner) route.task();
      assertThat(task.kind()).isEqualTo(TaskKind.CREATE_RUNNER);
      assertThat(task.instanceName()).isEqualTo("ghr-30433642148-1");
      assertThat(task.labels()).containsExactly("self-hosted", "gce", "gpu");
      assertThat(task.job())
          .isEqualTo(new JobRef(JOB_ID, RUN_ID, 1, "acme-ml/trainer", "acme-ml", 51234987L));
      assertThat(route.reason()).contains("ghr-30433642148-1");
    }

    @Test
    void retriedRunGetsAVmNamedForItsAttempt() {
      Route route = router.route(queuedGpuJob().attempt(3).build());

      assertThat(((RunnerTask.CreateRunner) route.task()).instanceName())
          .isEqualTo("ghr-30433642148-3");
      assertThat(route.task().job().runAttempt()).isEqualTo(3);
    }

    @Test
    void windowsJobGetsAWindowsName() {
      Route route = router.route(queuedJob("windows").build());

      String name = ((RunnerTask.CreateRunner) route.task()).instanceName();
      assertThat(name)
          .isEqualTo(NAMING.instanceName(JOB_ID, 1, OperatingSystem.WINDOWS))
          .hasSizeLessThanOrEqualTo(15);
    }

    @Test
    void triggerLabelsMatchWithoutRegardToCaseAndOrder() {
      Route route = router.route(queuedJob().labels("GPU", "GCE", "Self-Hosted").build());

      assertThat(route.decision()).isEqualTo(Decision.CREATE_RUNNER);
    }

    @Test
    void jobWithoutEveryTriggerLabelIsIgnored() {
      assertThat(router.route(queuedJob().labels("ubuntu-latest").build()).decision())
          .isEqualTo(Decision.IGNORED);
      assertThat(router.route(queuedJob().labels("self-hosted", "gpu").build()).decision())
          .isEqualTo(Decision.IGNORED);
      assertThat(router.route(queuedJob().labels().build()).decision()).isEqualTo(Decision.IGNORED);

      Route route = router.route(queuedJob().labels("gce").build());
      assertThat(route.hasTask()).isFalse();
      assertThat(route.reason()).contains("trigger");
    }

    @Test
    void untriggeredJobIsIgnoredEvenWithHostileLabels() {
      // Labels of jobs that are not ours are none of our business, not a refusal.
      Route route = router.route(queuedJob().labels("ubuntu-latest", "$(reboot)").build());

      assertThat(route.decision()).isEqualTo(Decision.IGNORED);
    }

    @Test
    void aJobWithoutABindingLabelIsToldItMayTakeAnotherShapesRunner() {
      Route route = router.route(queuedJob().build());

      assertThat(route.decision()).isEqualTo(Decision.CREATE_RUNNER);
      assertThat(route.reason())
          .isEqualTo(
              "job 30433642148 gets VM ghr-30433642148-1; no bind= label: this job may take the"
                  + " runner of another job whose labels include its own");
    }

    @Test
    void aJobWithABindingLabelIsToldOnlyItsVm() {
      Route route = router.route(queuedJob("gpu", "bind=train-11049587231-1-0").build());

      assertThat(route.decision()).isEqualTo(Decision.CREATE_RUNNER);
      assertThat(((RunnerTask.CreateRunner) route.task()).labels())
          .containsExactly("self-hosted", "gce", "gpu", "bind=train-11049587231-1-0");
      assertThat(route.reason()).isEqualTo("job 30433642148 gets VM ghr-30433642148-1");
    }

    @Test
    void aMalformedBindingLabelIsRefused() {
      Route route = router.route(queuedJob("bind=-11049587231-1-0").build());

      assertThat(route.decision()).isEqualTo(Decision.REFUSED);
      assertThat(route.reason()).contains("bind=-11049587231-1-0").contains("empty part");
    }

    @Test
    void refusedLabelsAreRefusedWithTheReason() {
      Route route = router.route(queuedJob("gpu=8").build());

      assertThat(route.decision()).isEqualTo(Decision.REFUSED);
      assertThat(route.hasTask()).isFalse();
      assertThat(route.reason()).contains("gpu=8").contains("limit is 4");
    }

    @Test
    void hostileLabelIsRefusedNotEnqueued() {
      Route route = router.route(queuedJob("$(reboot)").build());

      assertThat(route.decision()).isEqualTo(Decision.REFUSED);
      assertThat(route.reason()).doesNotContain("$(reboot)");
    }

    @Test
    void customTriggerLabelsAreHonoured() {
      WorkflowJobRouter custom =
          router(new RoutingRules(List.of("autorunner"), List.of(), List.of(), false));

      assertThat(custom.route(queuedJob().labels("autorunner", "gpu").build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
      assertThat(custom.route(queuedGpuJob().build()).decision()).isEqualTo(Decision.IGNORED);
    }
  }

  @Nested
  class AllowLists {

    @Test
    void withNoListsEveryPrivateRepositoryPasses() {
      assertThat(router.route(queuedJob().repository("anyone/anything").build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
    }

    @Test
    void withOnlyOwnersTheOwnerDecides() {
      WorkflowJobRouter owners = router(rules(List.of("acme-ml"), List.of()));

      assertThat(owners.route(queuedJob().repository("acme-ml/trainer").build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
      assertThat(owners.route(queuedJob().repository("ACME-ML/Other").build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
      Route stranger = owners.route(queuedJob().repository("mallory/miner").build());
      assertThat(stranger.decision()).isEqualTo(Decision.IGNORED);
      assertThat(stranger.reason()).contains("mallory/miner").contains("allowed");
    }

    @Test
    void withOnlyRepositoriesTheRepositoryDecides() {
      WorkflowJobRouter repos = router(rules(List.of(), List.of("acme-ml/trainer")));

      assertThat(repos.route(queuedJob().repository("acme-ml/trainer").build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
      assertThat(repos.route(queuedJob().repository("Acme-ML/Trainer").build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
      assertThat(repos.route(queuedJob().repository("acme-ml/website").build()).decision())
          .isEqualTo(Decision.IGNORED);
    }

    @Test
    void withBothListsEitherOneLetsAJobThrough() {
      WorkflowJobRouter both = router(rules(List.of("acme-ml"), List.of("partner/shared-models")));

      assertThat(both.route(queuedJob().repository("acme-ml/website").build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
      assertThat(both.route(queuedJob().repository("partner/shared-models").build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
      assertThat(both.route(queuedJob().repository("partner/secret").build()).decision())
          .isEqualTo(Decision.IGNORED);
      assertThat(both.route(queuedJob().repository("mallory/miner").build()).decision())
          .isEqualTo(Decision.IGNORED);
    }

    @Test
    void publicRepositoryIsIgnoredUnlessAllowed() {
      Route route = router.route(queuedGpuJob().publicRepository().build());

      assertThat(route.decision()).isEqualTo(Decision.IGNORED);
      assertThat(route.reason()).contains("public");
      WorkflowJobRouter open =
          router(new RoutingRules(List.of("self-hosted", "gce"), List.of(), List.of(), true));
      assertThat(open.route(queuedGpuJob().publicRepository().build()).decision())
          .isEqualTo(Decision.CREATE_RUNNER);
    }

    @Test
    void allowListedOwnerDoesNotMakeAPublicRepositoryPass() {
      WorkflowJobRouter owners = router(rules(List.of("acme-ml"), List.of()));

      assertThat(owners.route(queuedGpuJob().publicRepository().build()).decision())
          .isEqualTo(Decision.IGNORED);
    }

    @Test
    void managedUserRepositoryIsServed() {
      // Enterprise Managed Users have logins like mona_octocorp: an underscore GitHub allows there.
      Route route = router.route(queuedGpuJob().ownedByUser("mona_octocorp/notebooks").build());

      assertThat(route.decision()).isEqualTo(Decision.CREATE_RUNNER);
      assertThat(route.task().job().owner()).isEqualTo("mona_octocorp");
    }

    @Test
    void userOwnedRepositoryPassesByItsOwner() {
      WorkflowJobRouter owners = router(rules(List.of("dana-ops"), List.of()));

      Route route = owners.route(queuedGpuJob().ownedByUser("dana-ops/notebooks").build());

      assertThat(route.decision()).isEqualTo(Decision.CREATE_RUNNER);
      assertThat(route.task().job().organization()).isNull();
      assertThat(route.task().job().installationId()).isNull();
      assertThat(route.task().job().repository()).isEqualTo("dana-ops/notebooks");
    }
  }

  @Nested
  class Completed {

    @Test
    void jobDoneOnOurRunnerDeletesThatRunner() {
      Route route = router.route(completedGpuJob().onRunner("ghr-30433642148-1", 2417L).build());

      assertThat(route.decision()).isEqualTo(Decision.DELETE_RUNNER);
      RunnerTask.DeleteRunner task = (RunnerTask.DeleteRunner) route.task();
      assertThat(task.runnerName()).isEqualTo("ghr-30433642148-1");
      assertThat(task.runnerId()).isEqualTo(2417L);
      assertThat(task.conclusion()).isEqualTo("success");
      assertThat(task.job().jobId()).isEqualTo(JOB_ID);
    }

    @Test
    void jobDoneOnOurRunnerDeletesItEvenWithoutTheTriggerLabels() {
      // A job asking only for "self-hosted" can land on our runner; its VM must still die.
      Route route =
          router.route(
              completedGpuJob().labels("self-hosted").onRunner("ghr-30433600001-1", 2418L).build());

      assertThat(route.decision()).isEqualTo(Decision.DELETE_RUNNER);
      assertThat(((RunnerTask.DeleteRunner) route.task()).runnerName())
          .isEqualTo("ghr-30433600001-1");
    }

    @Test
    void jobDoneOnOurRunnerDeletesItWhateverTheAllowLists() {
      WorkflowJobRouter strict = router(rules(List.of("someone-else"), List.of()));

      Route route =
          strict.route(
              completedGpuJob().publicRepository().onRunner("ghr-30433642148-1", 5L).build());

      assertThat(route.decision()).isEqualTo(Decision.DELETE_RUNNER);
    }

    @Test
    void jobDoneOnOurWindowsRunnerDeletesIt() {
      String windowsName = NAMING.instanceName(JOB_ID, 1, OperatingSystem.WINDOWS);

      Route route = router.route(completedJob("windows").onRunner(windowsName, 9L).build());

      assertThat(route.decision()).isEqualTo(Decision.DELETE_RUNNER);
      assertThat(((RunnerTask.DeleteRunner) route.task()).runnerName()).isEqualTo(windowsName);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GitHub Actions 5", "ubuntu-latest", "build-box-3", "other-123-1"})
    void jobDoneOnSomeoneElsesRunnerIsIgnored(String runnerName) {
      Route route = router.route(completedGpuJob().onRunner(runnerName, 5L).build());

      assertThat(route.decision()).isEqualTo(Decision.IGNORED);
      assertThat(route.hasTask()).isFalse();
      assertThat(route.reason()).contains("not one of ours");
    }

    @Test
    void jobCancelledBeforePickupReleasesTheVmMadeForIt() {
      Route route = router.route(completedGpuJob().cancelledBeforePickup().build());

      assertThat(route.decision()).isEqualTo(Decision.RELEASE_RUNNER);
      RunnerTask.ReleaseRunner task = (RunnerTask.ReleaseRunner) route.task();
      assertThat(task.instanceName()).isEqualTo("ghr-30433642148-1");
      assertThat(task.labels()).containsExactly("self-hosted", "gce", "gpu");
      assertThat(task.job().jobId()).isEqualTo(JOB_ID);
    }

    @Test
    void cancelledWindowsJobReleasesTheWindowsName() {
      Route route = router.route(completedJob("Windows").cancelledBeforePickup().build());

      assertThat(((RunnerTask.ReleaseRunner) route.task()).instanceName())
          .isEqualTo(NAMING.instanceName(JOB_ID, 1, OperatingSystem.WINDOWS));
    }

    @Test
    void releaseNamesTheSameVmTheCreateNamed() {
      for (String label : List.of("gpu", "windows", "n1-standard-8", "disk=200")) {
        Route create = router.route(queuedJob(label).attempt(2).build());
        Route release =
            router.route(completedJob(label).attempt(2).cancelledBeforePickup().build());

        assertThat(((RunnerTask.ReleaseRunner) release.task()).instanceName())
            .as(label)
            .isEqualTo(((RunnerTask.CreateRunner) create.task()).instanceName());
      }
    }

    @Test
    void cancelledJobWithoutTriggerLabelsIsIgnored() {
      Route route =
          router.route(completedJob().labels("ubuntu-latest").cancelledBeforePickup().build());

      assertThat(route.decision()).isEqualTo(Decision.IGNORED);
    }

    @Test
    void cancelledJobOutsideTheAllowListsIsIgnored() {
      WorkflowJobRouter owners = router(rules(List.of("acme-ml"), List.of()));

      assertThat(
              owners
                  .route(
                      completedGpuJob().repository("mallory/miner").cancelledBeforePickup().build())
                  .decision())
          .isEqualTo(Decision.IGNORED);
    }
  }

  @Nested
  class OtherActions {

    @ParameterizedTest
    @ValueSource(strings = {"waiting", "requested", "deleted", "QUEUED_LATER"})
    void actionsThatNeedNothingAreIgnored(String action) {
      Route route =
          router.route(queuedGpuJob().action(action).onRunner("ghr-30433642148-1", 1L).build());

      assertThat(route.decision()).isEqualTo(Decision.IGNORED);
      assertThat(route.hasTask()).isFalse();
    }

    @Test
    void aJobStartingOnItsOwnRunnerIsStartedWithNoTaskAndSaysHowLongItQueued() {
      WorkflowJobEvent event =
          queuedGpuJob().action("in_progress").onRunner("ghr-30433642148-1", 1L).build();

      Route route = router.route(event);

      assertThat(route.decision()).isEqualTo(Decision.STARTED);
      assertThat(route.decision().wireName()).isEqualTo("started");
      assertThat(route.hasTask()).isFalse();
      assertThat(event.workflowJob().queuedToStart()).contains(Duration.ofSeconds(75));
    }

    @Test
    void aJobStartingOnARunnerMadeForAnotherJobAsksForACheckNamingTheRunnersId() {
      Route route =
          router.route(queuedGpuJob().action("in_progress").onRunner("ghr-777-1", 5L).build());

      assertThat(route.decision()).isEqualTo(Decision.CHECK_RUNNER);
      assertThat(route.task())
          .isInstanceOfSatisfying(
              RunnerTask.CheckRunner.class,
              check -> {
                assertThat(check.runnerName()).isEqualTo("ghr-777-1");
                assertThat(check.runnerId()).isEqualTo(5L);
              });
    }

    @Test
    void aJobStartingOnSomeoneElsesRunnerIsIgnored() {
      Route route =
          router.route(queuedGpuJob().action("in_progress").onRunner("build-box", 5L).build());

      assertThat(route.decision()).isEqualTo(Decision.IGNORED);
    }

    @Test
    void ignoredReasonDoesNotEchoAHostileAction() {
      Route route = router.route(queuedGpuJob().action("x\n$(reboot)").build());

      assertThat(route.decision()).isEqualTo(Decision.IGNORED);
      assertThat(route.reason()).doesNotContain("$(reboot)").doesNotContain("\n");
    }
  }

  @Nested
  class GitHubsDeliveries {

    @Test
    void eachFixtureRoutesAsTheSchedulerTableSays() {
      assertThat(route("queued.json").decision()).isEqualTo(Decision.CREATE_RUNNER);
      assertThat(route("waiting.json").decision()).isEqualTo(Decision.IGNORED);
      assertThat(route("in_progress.json").decision()).isEqualTo(Decision.STARTED);
      assertThat(route("completed-success.json").decision()).isEqualTo(Decision.DELETE_RUNNER);
      assertThat(route("completed-cancelled-before-pickup.json").decision())
          .isEqualTo(Decision.RELEASE_RUNNER);
    }

    @Test
    void userRepositoryWindowsJobGetsAWindowsVm() {
      Route route = route("queued-user-repository.json");

      assertThat(route.decision()).isEqualTo(Decision.CREATE_RUNNER);
      assertThat(((RunnerTask.CreateRunner) route.task()).instanceName())
          .isEqualTo(NAMING.instanceName(30433700012L, 1, OperatingSystem.WINDOWS));
    }

    @Test
    void completedDeliveryDeletesTheVmTheQueuedDeliveryCreated() {
      String created = ((RunnerTask.CreateRunner) route("queued.json").task()).instanceName();
      String deleted =
          ((RunnerTask.DeleteRunner) route("completed-success.json").task()).runnerName();

      assertThat(deleted).isEqualTo(created);
    }

    @Test
    void redeliveredEventRoutesToTheSameTask() {
      for (String fixture :
          List.of(
              "queued.json", "completed-success.json", "completed-cancelled-before-pickup.json")) {
        Route first = route(fixture);
        Route again = route(fixture);

        assertThat(again).as(fixture).isEqualTo(first);
        assertThat(again.task().taskId()).as(fixture).isEqualTo(first.task().taskId());
      }
    }

    @Test
    void theThreeTasksOfOneJobHaveDistinctIds() {
      assertThat(
              List.of(
                  route("queued.json").task().taskId(),
                  route("completed-success.json").task().taskId(),
                  route("completed-cancelled-before-pickup.json").task().taskId()))
          .doesNotHaveDuplicates();
    }

    private Route route(String fixture) {
      return router.route(WorkflowJobEvent.parse(fixture(fixture)));
    }
  }

  @Nested
  class Rules {

    @Test
    void triggerLabelsAreRequired() {
      assertThatThrownBy(() -> new RoutingRules(List.of(), List.of(), List.of(), false))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RoutingRules(List.of(" ", ""), null, null, false))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new RoutingRules(null, null, null, false))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void listsAreTrimmedAndLowerCased() {
      RoutingRules rules =
          new RoutingRules(
              List.of(" Self-Hosted ", "GCE"), List.of(" Acme-ML "), List.of("Partner/X "), false);

      assertThat(rules.triggerLabels()).containsExactly("self-hosted", "gce");
      assertThat(rules.allowedOwners()).containsExactly("acme-ml");
      assertThat(rules.allowedRepositories()).containsExactly("partner/x");
      assertThat(rules.allows("acme-ml", "acme-ml/anything")).isTrue();
      assertThat(rules.allows("partner", "partner/x")).isTrue();
      assertThat(rules.allows("partner", "partner/y")).isFalse();
    }

    @Test
    void emptyListsAllowEveryone() {
      RoutingRules rules = new RoutingRules(List.of("self-hosted"), null, List.of(""), false);

      assertThat(rules.allows("anyone", "anyone/anything")).isTrue();
    }
  }

  @Test
  void decisionsHaveTheirWireNames() {
    assertThat(Decision.PONG.wireName()).isEqualTo("pong");
    assertThat(Decision.IGNORED.wireName()).isEqualTo("ignored");
    assertThat(Decision.REFUSED.wireName()).isEqualTo("refused");
    assertThat(Decision.CREATE_RUNNER.wireName()).isEqualTo("create-runner");
    assertThat(Decision.DELETE_RUNNER.wireName()).isEqualTo("delete-runner");
    assertThat(Decision.RELEASE_RUNNER.wireName()).isEqualTo("release-runner");
  }

  @Test
  void routeCarriesATaskExactlyForTheTaskDecisions() {
    assertThatThrownBy(() -> new Route(Decision.IGNORED, "no", route().task()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Route(Decision.CREATE_RUNNER, "yes", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private Route route() {
    return router.route(queuedGpuJob().build());
  }

  // --- factories -------------------------------------------------------------------------------

  private static RoutingRules rules() {
    return rules(List.of(), List.of());
  }

  private static RoutingRules rules(List<String> owners, List<String> repositories) {
    return new RoutingRules(List.of("self-hosted", "gce"), owners, repositories, false);
  }

  private static WorkflowJobRouter router(RoutingRules rules) {
    return new WorkflowJobRouter(rules, new LabelPolicy(PolicyProperties.defaults()), NAMING);
  }

  /** A queued job of a private organisation repository with the trigger labels and {@code gpu}. */
  static EventBuilder queuedGpuJob() {
    return queuedJob("gpu");
  }

  /** A queued job with the trigger labels and the given ones. */
  static EventBuilder queuedJob(String... extra) {
    return new EventBuilder("queued", extra);
  }

  static EventBuilder completedGpuJob() {
    return completedJob("gpu");
  }

  static EventBuilder completedJob(String... extra) {
    return new EventBuilder("completed", extra).conclusion("success");
  }

  /** A delivery of job {@value #JOB_ID}, changed only where a test says so. */
  static final class EventBuilder {
    private String action;
    private List<String> labels;
    private int attempt = 1;
    private String conclusion;
    private Long runnerId;
    private String runnerName;
    private String repository = "acme-ml/trainer";
    private boolean isPrivate = true;
    private boolean userOwned;

    EventBuilder(String action, String... extra) {
      this.action = action;
      this.labels = new ArrayList<>(List.of("self-hosted", "gce"));
      this.labels.addAll(List.of(extra));
    }

    EventBuilder action(String value) {
      action = value;
      return this;
    }

    EventBuilder labels(String... value) {
      labels = List.of(value);
      return this;
    }

    EventBuilder attempt(int value) {
      attempt = value;
      return this;
    }

    EventBuilder conclusion(String value) {
      conclusion = value;
      return this;
    }

    EventBuilder onRunner(String name, Long id) {
      runnerName = name;
      runnerId = id;
      return this;
    }

    EventBuilder cancelledBeforePickup() {
      conclusion = "cancelled";
      runnerName = null;
      runnerId = null;
      return this;
    }

    EventBuilder repository(String fullName) {
      repository = fullName;
      return this;
    }

    EventBuilder publicRepository() {
      isPrivate = false;
      return this;
    }

    EventBuilder ownedByUser(String fullName) {
      repository = fullName;
      userOwned = true;
      return this;
    }

    WorkflowJobEvent build() {
      String owner = repository.substring(0, repository.indexOf('/'));
      WorkflowJob job =
          new WorkflowJob(
              JOB_ID,
              RUN_ID,
              attempt,
              labels,
              action,
              conclusion,
              runnerId,
              runnerName,
              runnerName == null ? null : 1L,
              "train (cuda)",
              "Train",
              "https://github.com/" + repository + "/actions/runs/" + RUN_ID + "/job/" + JOB_ID,
              "2025-03-04T08:12:30Z",
              runnerName == null ? null : "2025-03-04T08:13:45Z");
      return new WorkflowJobEvent(
          action,
          job,
          new Repository(
              repository, null, isPrivate, new Account(owner, userOwned ? "User" : "Organization")),
          userOwned ? null : new Account(owner, "Organization"),
          userOwned ? null : new Installation(51234987L));
    }
  }

  private static byte[] fixture(String name) {
    try (InputStream in = WorkflowJobRouterTest.class.getResourceAsStream("/events/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture events/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
