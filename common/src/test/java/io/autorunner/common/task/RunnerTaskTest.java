package io.autorunner.common.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunnerTaskTest {

  /** What Cloud Tasks accepts as a task id. */
  private static final String TASK_ID = "[A-Za-z0-9_-]{1,500}";

  private static final long JOB_ID = 30433642148L;
  private static final long RUN_ID = 11049587231L;
  private static final List<String> GPU_LABELS = List.of("self-hosted", "gce", "gpu");

  @Test
  void taskIdsAreAFunctionOfTheJob() {
    assertThat(createRunner(JOB_ID, 1).taskId()).isEqualTo(createRunner(JOB_ID, 1).taskId());
    assertThat(deleteRunner(JOB_ID, 1).taskId()).isEqualTo(deleteRunner(JOB_ID, 1).taskId());
    assertThat(releaseRunner(JOB_ID, 1).taskId()).isEqualTo(releaseRunner(JOB_ID, 1).taskId());
  }

  @Test
  void createTaskIdDoesNotDependOnLabelsOrInstallation() {
    // A redelivery of the same job is the same task, whatever else differs in transit.
    CreateRunnerFixture a = new CreateRunnerFixture(List.of("self-hosted", "gce"), 51234987L);
    CreateRunnerFixture b = new CreateRunnerFixture(List.of("self-hosted", "gce", "gpu"), null);

    assertThat(a.task().taskId()).isEqualTo(b.task().taskId());
  }

  @Test
  void taskIdsDifferAcrossKindsJobsAndAttempts() {
    Set<String> ids = new HashSet<>();
    List<RunnerTask> tasks = new ArrayList<>();
    for (long jobId : new long[] {1, 2, 12, 21, 121, JOB_ID, JOB_ID + 1, Long.MAX_VALUE}) {
      for (int attempt = 1; attempt <= 3; attempt++) {
        tasks.add(createRunner(jobId, attempt));
        tasks.add(deleteRunner(jobId, attempt));
        tasks.add(releaseRunner(jobId, attempt));
      }
    }

    tasks.forEach(task -> assertThat(ids.add(task.taskId())).as(task.toString()).isTrue());
  }

  @Test
  void taskIdsFitCloudTasksNames() {
    List<RunnerTask> tasks =
        List.of(
            createRunner(JOB_ID, 1),
            deleteRunner(JOB_ID, 1),
            releaseRunner(JOB_ID, 1),
            createRunner(Long.MAX_VALUE, Integer.MAX_VALUE),
            new RunnerTask.DeleteRunner(
                job(Long.MAX_VALUE, Integer.MAX_VALUE), "a" + "-b".repeat(31), null, null));

    for (RunnerTask task : tasks) {
      assertThat(task.taskId()).matches(TASK_ID).hasSizeLessThanOrEqualTo(500);
    }
  }

  @Test
  void taskIdsStartWithADigestToSpreadTheKeySpace() {
    String first = createRunner(JOB_ID, 1).taskId();
    String next = createRunner(JOB_ID + 1, 1).taskId();

    assertThat(first).matches("[0-9a-f]{8}-create-runner-30433642148-1");
    assertThat(first.substring(0, 8)).isNotEqualTo(next.substring(0, 8));
  }

  @Test
  void eachTaskKnowsItsKindAndPath() {
    assertThat(createRunner(JOB_ID, 1).kind()).isEqualTo(TaskKind.CREATE_RUNNER);
    assertThat(deleteRunner(JOB_ID, 1).kind()).isEqualTo(TaskKind.DELETE_RUNNER);
    assertThat(releaseRunner(JOB_ID, 1).kind()).isEqualTo(TaskKind.RELEASE_RUNNER);
    assertThat(TaskKind.CREATE_RUNNER.path()).isEqualTo("create-runner");
    assertThat(TaskKind.DELETE_RUNNER.path()).isEqualTo("delete-runner");
    assertThat(TaskKind.RELEASE_RUNNER.path()).isEqualTo("release-runner");
  }

  @Test
  void tasksKeepACopyOfTheLabels() {
    List<String> labels = new ArrayList<>(GPU_LABELS);
    RunnerTask.CreateRunner task =
        new RunnerTask.CreateRunner(job(JOB_ID, 1), labels, "ghr-30433642148-1");

    labels.add("gpu=4");

    assertThat(task.labels()).isEqualTo(GPU_LABELS);
    assertThatThrownBy(() -> task.labels().add("gpu=8"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Ghr-1-1",
        "1ghr",
        "ghr-1-1-",
        "ghr_1_1",
        "ghr 1",
        "ghr;reboot",
        "ghr-1-1\n",
        "GitHub Actions 5"
      })
  void instanceNamesMustBeRfc1035(String name) {
    assertThatThrownBy(() -> new RunnerTask.CreateRunner(job(JOB_ID, 1), GPU_LABELS, name))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RunnerTask.DeleteRunner(job(JOB_ID, 1), name, 7L, "success"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RunnerTask.ReleaseRunner(job(JOB_ID, 1), GPU_LABELS, name))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void instanceNameLongerThan63IsRefused() {
    String tooLong = "a".repeat(64);

    assertThatThrownBy(() -> new RunnerTask.CreateRunner(job(JOB_ID, 1), GPU_LABELS, tooLong))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new RunnerTask.CreateRunner(job(JOB_ID, 1), GPU_LABELS, "a".repeat(63))).isNotNull();
  }

  @Test
  void tasksNeedAJobAndLabels() {
    assertThatThrownBy(() -> new RunnerTask.CreateRunner(null, GPU_LABELS, "ghr-1-1"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new RunnerTask.CreateRunner(job(JOB_ID, 1), null, "ghr-1-1"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new RunnerTask.DeleteRunner(null, "ghr-1-1", null, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> new RunnerTask.ReleaseRunner(null, GPU_LABELS, "ghr-1-1"))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void deleteRunnerNeedsNoRunnerIdNorConclusion() {
    RunnerTask.DeleteRunner task =
        new RunnerTask.DeleteRunner(job(JOB_ID, 1), "ghr-30433642148-1", null, null);

    assertThat(task.runnerId()).isNull();
    assertThat(task.taskId()).matches(TASK_ID);
  }

  // --- JobRef ----------------------------------------------------------------------------------

  @Test
  void jobRefSplitsItsRepositoryIntoOwnerAndName() {
    JobRef job = new JobRef(JOB_ID, RUN_ID, 1, "acme-ml/trainer.v2_x", "acme-ml", 51234987L);

    assertThat(job.owner()).isEqualTo("acme-ml");
    assertThat(job.repositoryName()).isEqualTo("trainer.v2_x");
  }

  @Test
  void jobRefOfAUserRepositoryHasNoOrganisationNorInstallation() {
    JobRef job = new JobRef(JOB_ID, RUN_ID, 1, "dana-ops/notebooks", null, null);

    assertThat(job.organization()).isNull();
    assertThat(job.installationId()).isNull();
    assertThat(job.owner()).isEqualTo("dana-ops");
  }

  @Test
  void jobRefAcceptsAnEnterpriseManagedUsersLogin() {
    JobRef job = new JobRef(JOB_ID, RUN_ID, 1, "mona_octocorp/notebooks", null, null);

    assertThat(job.owner()).isEqualTo("mona_octocorp");
  }

  @Test
  void jobRefNeedsPositiveIds() {
    assertThatThrownBy(() -> new JobRef(0, RUN_ID, 1, "octo/app", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JobRef(JOB_ID, -1, 1, "octo/app", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new JobRef(JOB_ID, RUN_ID, 0, "octo/app", null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jobRefNeedsARepository() {
    assertThatThrownBy(() -> new JobRef(JOB_ID, RUN_ID, 1, null, null, null))
        .isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "octo",
        "/app",
        "octo/",
        "octo/app/extra",
        "-octo/app",
        "octo/a b",
        "octo/app;rm",
        "octo/$(id)",
        "octo\n/app",
        "0123456789012345678901234567890123456789/too-long-owner"
      })
  void jobRefRefusesWhatIsNotOwnerSlashName(String repository) {
    assertThatThrownBy(() -> new JobRef(JOB_ID, RUN_ID, 1, repository, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "-acme",
        "acme ml",
        "acme/ml",
        "acme;id",
        "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd"
      })
  void jobRefRefusesAnOrganisationThatIsNotALogin(String organization) {
    assertThatThrownBy(() -> new JobRef(JOB_ID, RUN_ID, 1, "acme/app", organization, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // --- factories -------------------------------------------------------------------------------

  private static JobRef job(long jobId, int attempt) {
    return new JobRef(jobId, RUN_ID, attempt, "acme-ml/trainer", "acme-ml", 51234987L);
  }

  private static RunnerTask.CreateRunner createRunner(long jobId, int attempt) {
    return new RunnerTask.CreateRunner(
        job(jobId, attempt), GPU_LABELS, "ghr-" + jobId + "-" + attempt);
  }

  private static RunnerTask.DeleteRunner deleteRunner(long jobId, int attempt) {
    return new RunnerTask.DeleteRunner(
        job(jobId, attempt), "ghr-" + jobId + "-" + attempt, 2417L, "success");
  }

  private static RunnerTask.ReleaseRunner releaseRunner(long jobId, int attempt) {
    return new RunnerTask.ReleaseRunner(
        job(jobId, attempt), GPU_LABELS, "ghr-" + jobId + "-" + attempt);
  }

  private record CreateRunnerFixture(List<String> labels, Long installationId) {
    RunnerTask.CreateRunner task() {
      return new RunnerTask.CreateRunner(
          new JobRef(JOB_ID, RUN_ID, 1, "acme-ml/trainer", "acme-ml", installationId),
          labels,
          "ghr-30433642148-1");
    }
  }
}
