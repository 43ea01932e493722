package io.autorunner.common.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parses deliveries shaped like GitHub's real {@code workflow_job} webhooks: each fixture carries
 * many fields autorunner does not model (steps, head_sha, repository URLs, sender, license…).
 */
class WorkflowJobEventTest {

  private static final long JOB_ID = 30433642148L;
  private static final long RUN_ID = 11049587231L;

  @Test
  void queuedJobHasNoRunnerYet() {
    WorkflowJobEvent event = WorkflowJobEvent.parse(fixture("queued.json"));

    assertThat(event.jobAction()).isEqualTo(WorkflowJobAction.QUEUED);
    WorkflowJobEvent.WorkflowJob job = event.workflowJob();
    assertThat(job.id()).isEqualTo(JOB_ID);
    assertThat(job.runId()).isEqualTo(RUN_ID);
    assertThat(job.runAttempt()).isEqualTo(1);
    assertThat(job.labels()).containsExactly("self-hosted", "gce", "gpu");
    assertThat(job.status()).isEqualTo("queued");
    assertThat(job.conclusion()).isNull();
    assertThat(job.runnerId()).isNull();
    assertThat(job.runnerName()).isNull();
    assertThat(job.runnerGroupId()).isNull();
    assertThat(job.hasRunner()).isFalse();
    assertThat(job.name()).isEqualTo("train (cuda)");
    assertThat(job.workflowName()).isEqualTo("Train");
    assertThat(job.htmlUrl())
        .isEqualTo("https://github.com/acme-ml/trainer/actions/runs/11049587231/job/30433642148");
  }

  @Test
  void queuedJobCarriesItsRepositoryOrganisationAndInstallation() {
    WorkflowJobEvent event = WorkflowJobEvent.parse(fixture("queued.json"));

    assertThat(event.repository().fullName()).isEqualTo("acme-ml/trainer");
    assertThat(event.repository().name()).isEqualTo("trainer");
    assertThat(event.repository().isPrivate()).isTrue();
    assertThat(event.repository().ownerLogin()).isEqualTo("acme-ml");
    assertThat(event.repository().owner().type()).isEqualTo("Organization");
    assertThat(event.organizationLogin()).hasValue("acme-ml");
    assertThat(event.installationId()).hasValue(51234987L);
  }

  @Test
  void inProgressJobNamesItsRunner() {
    WorkflowJobEvent event = WorkflowJobEvent.parse(fixture("in_progress.json"));

    assertThat(event.jobAction()).isEqualTo(WorkflowJobAction.IN_PROGRESS);
    assertThat(event.workflowJob().status()).isEqualTo("in_progress");
    assertThat(event.workflowJob().runnerName()).isEqualTo("ghr-30433642148-1");
    assertThat(event.workflowJob().runnerId()).isEqualTo(2417L);
    assertThat(event.workflowJob().runnerGroupId()).isEqualTo(1L);
    assertThat(event.workflowJob().hasRunner()).isTrue();
  }

  @Test
  void completedJobNamesTheRunnerItRanOn() {
    WorkflowJobEvent event = WorkflowJobEvent.parse(fixture("completed-success.json"));

    assertThat(event.jobAction()).isEqualTo(WorkflowJobAction.COMPLETED);
    assertThat(event.workflowJob().status()).isEqualTo("completed");
    assertThat(event.workflowJob().conclusion()).isEqualTo("success");
    assertThat(event.workflowJob().runnerName()).isEqualTo("ghr-30433642148-1");
    assertThat(event.workflowJob().runnerId()).isEqualTo(2417L);
    assertThat(event.workflowJob().hasRunner()).isTrue();
  }

  @Test
  void jobCancelledBeforePickupCompletesWithoutARunner() {
    WorkflowJobEvent event =
        WorkflowJobEvent.parse(fixture("completed-cancelled-before-pickup.json"));

    assertThat(event.jobAction()).isEqualTo(WorkflowJobAction.COMPLETED);
    assertThat(event.workflowJob().conclusion()).isEqualTo("cancelled");
    assertThat(event.workflowJob().runnerId()).isNull();
    assertThat(event.workflowJob().runnerName()).isNull();
    assertThat(event.workflowJob().hasRunner()).isFalse();
  }

  @Test
  void waitingJobHasNoRunner() {
    WorkflowJobEvent event = WorkflowJobEvent.parse(fixture("waiting.json"));

    assertThat(event.jobAction()).isEqualTo(WorkflowJobAction.WAITING);
    assertThat(event.workflowJob().status()).isEqualTo("waiting");
    assertThat(event.workflowJob().hasRunner()).isFalse();
  }

  @Test
  void userOwnedRepositoryHasNoOrganisationNorInstallation() {
    WorkflowJobEvent event = WorkflowJobEvent.parse(fixture("queued-user-repository.json"));

    assertThat(event.organization()).isNull();
    assertThat(event.organizationLogin()).isEmpty();
    assertThat(event.installationId()).isEmpty();
    assertThat(event.repository().fullName()).isEqualTo("dana-ops/notebooks");
    assertThat(event.repository().ownerLogin()).isEqualTo("dana-ops");
    assertThat(event.repository().owner().type()).isEqualTo("User");
    assertThat(event.workflowJob().labels()).containsExactly("self-hosted", "gce", "windows");
  }

  @Test
  void minimalBodyWithOnlyTheModelledFieldsParses() {
    WorkflowJobEvent event =
        parse(
            """
            {"action":"queued",
             "workflow_job":{"id":7,"run_id":8,"run_attempt":2,"labels":["self-hosted"]},
             "repository":{"full_name":"octo/app","private":false,"owner":{"login":"octo"}}}
            """);

    assertThat(event.workflowJob().id()).isEqualTo(7);
    assertThat(event.workflowJob().runAttempt()).isEqualTo(2);
    assertThat(event.repository().name()).isEqualTo("app");
    assertThat(event.repository().isPrivate()).isFalse();
  }

  @Test
  void missingRunAttemptMeansTheFirstAttempt() {
    WorkflowJobEvent event =
        parse(
            """
            {"action":"queued",
             "workflow_job":{"id":7,"run_id":8,"labels":[]},
             "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
            """);

    assertThat(event.workflowJob().runAttempt()).isEqualTo(1);
  }

  @Test
  void repositoryWithoutPrivateFlagIsReadAsPublicTheSaferSide() {
    WorkflowJobEvent event =
        parse(
            """
            {"action":"queued",
             "workflow_job":{"id":7,"run_id":8,"run_attempt":1,"labels":[]},
             "repository":{"full_name":"octo/app","owner":{"login":"octo"}}}
            """);

    assertThat(event.repository().isPrivate()).isFalse();
  }

  @Test
  void unknownActionIsReadAsOtherNotAnError() {
    WorkflowJobEvent event =
        parse(
            """
            {"action":"requeued_by_robots",
             "workflow_job":{"id":7,"run_id":8,"run_attempt":1,"labels":[]},
             "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
            """);

    assertThat(event.jobAction()).isEqualTo(WorkflowJobAction.OTHER);
  }

  @Test
  void labelsAreImmutable() {
    WorkflowJobEvent event = WorkflowJobEvent.parse(fixture("queued.json"));

    assertThatThrownBy(() -> event.workflowJob().labels().add("gpu=8"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json at all",
        "{\"action\":",
        "null",
        "42",
        "\"queued\"",
        "[]",
        "[{\"action\":\"queued\"}]",
        "{}",
      })
  void bodyThatIsNotAWorkflowJobObjectIsMalformed(String body) {
    assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedEventException.class);
  }

  @Test
  void eventWithoutWorkflowJobIsMalformed() {
    // A ping or push event body, signed and delivered to the same URL.
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"zen":"Keep it logically awesome.","hook_id":1,
                     "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
                    """))
        .isInstanceOf(MalformedEventException.class);
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"action":"queued",
                     "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
                    """))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("workflow_job");
  }

  @Test
  void jobWithoutAnIdIsMalformed() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"action":"queued",
                     "workflow_job":{"run_id":8,"run_attempt":1,"labels":["self-hosted"]},
                     "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
                    """))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("id");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-5", "null", "\"abc\"", "1.5e400", "{}"})
  void jobWithAnUnusableIdIsMalformed(String id) {
    String body =
        """
        {"action":"queued",
         "workflow_job":{"id":%s,"run_id":8,"run_attempt":1,"labels":["self-hosted"]},
         "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
        """
            .formatted(id);

    assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedEventException.class);
  }

  @Test
  void jobWithoutARunIdIsMalformed() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"action":"queued",
                     "workflow_job":{"id":7,"run_attempt":1,"labels":["self-hosted"]},
                     "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
                    """))
        .isInstanceOf(MalformedEventException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "\"self-hosted\"", "[\"gce\",null]", "{}", "[[\"gce\"]]"})
  void jobWhoseLabelsAreNotAListOfStringsIsMalformed(String labels) {
    String body =
        """
        {"action":"queued",
         "workflow_job":{"id":7,"run_id":8,"run_attempt":1,"labels":%s},
         "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
        """
            .formatted(labels);

    assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedEventException.class);
  }

  @Test
  void jobWithoutLabelsIsMalformed() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"action":"queued",
                     "workflow_job":{"id":7,"run_id":8,"run_attempt":1},
                     "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
                    """))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("labels");
  }

  @Test
  void eventWithoutActionIsMalformed() {
    assertThatThrownBy(
            () ->
                parse(
                    """
                    {"workflow_job":{"id":7,"run_id":8,"run_attempt":1,"labels":[]},
                     "repository":{"full_name":"octo/app","private":true,"owner":{"login":"octo"}}}
                    """))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("action");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "null",
        "{\"full_name\":\"octo/app\"}",
        "{\"full_name\":\"no-slash\",\"owner\":{\"login\":\"octo\"}}",
        "{\"owner\":{\"login\":\"octo\"}}",
        "{\"full_name\":\"octo/app\",\"owner\":{}}",
      })
  void eventWithoutAUsableRepositoryIsMalformed(String repository) {
    String body =
        """
        {"action":"queued",
         "workflow_job":{"id":7,"run_id":8,"run_attempt":1,"labels":[]},
         "repository":%s}
        """
            .formatted(repository);

    assertThatThrownBy(() -> parse(body)).isInstanceOf(MalformedEventException.class);
  }

  private static WorkflowJobEvent parse(String body) {
    return WorkflowJobEvent.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] fixture(String name) {
    try (InputStream in = WorkflowJobEventTest.class.getResourceAsStream("/events/" + name)) {
      if (in == null) {
        throw new IllegalStateException("no fixture events/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
