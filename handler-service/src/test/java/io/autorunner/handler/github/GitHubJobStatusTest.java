package io.autorunner.handler.github;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GitHubJobStatusTest {

  @ParameterizedTest
  @ValueSource(strings = {"queued", "waiting", "pending", "requested"})
  void aJobNoRunnerHasTakenYetIsAwaitingARunner(String status) {
    assertThat(job(status).awaitingRunner()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"in_progress", "completed", "QUEUED", ""})
  void aJobARunnerTookOrThatEndedIsNotAwaitingARunner(String status) {
    assertThat(job(status).awaitingRunner()).isFalse();
  }

  @Test
  void aJobWithoutStatusIsNotAwaitingARunner() {
    assertThat(job(null).awaitingRunner()).isFalse();
  }

  @Test
  void readsGitHubsSpellingOfStatusAndConclusion() {
    JobStatus job = new JobStatus(42, "in_progress", "timed_out", "ghr-42-1", "test");

    assertThat(job)
        .isEqualTo(
            new JobStatus(
                42,
                JobState.IN_PROGRESS,
                JobConclusion.TIMED_OUT,
                Optional.of("ghr-42-1"),
                Optional.of("test"),
                Optional.empty(),
                Optional.empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"QUEUED", "unknown", "finished", ""})
  void aStatusGitHubDoesNotSpellSoIsUnknown(String status) {
    assertThat(JobState.parse(status)).isEqualTo(JobState.UNKNOWN);
  }

  @Test
  void aJobWithoutConclusionHasNoneAndAnUnheardOfOneIsUnknown() {
    assertThat(JobConclusion.parse(null)).isEqualTo(JobConclusion.NONE);
    assertThat(JobConclusion.parse("none")).isEqualTo(JobConclusion.UNKNOWN);
    assertThat(JobConclusion.parse("Success")).isEqualTo(JobConclusion.UNKNOWN);
    assertThat(JobConclusion.parse("startup_failure")).isEqualTo(JobConclusion.STARTUP_FAILURE);
  }

  /** Task answers say "job 42 is completed; no VM needed": the state prints as GitHub spells it. */
  @Test
  void statesPrintAsGitHubSpellsThem() {
    assertThat(JobState.IN_PROGRESS).hasToString("in_progress");
    assertThat(JobConclusion.CANCELLED).hasToString("cancelled");
  }

  @Test
  void aRunnerIsOnlineWhateverTheCaseGitHubSpellsItIn() {
    assertThat(new GitHubRunner(1, "ghr-1", "Online", false, List.of()).online()).isTrue();
    assertThat(new GitHubRunner(1, "ghr-1", "offline", false, List.of()).online()).isFalse();
    assertThat(RunnerStatus.parse(null)).isEqualTo(RunnerStatus.UNKNOWN);
    assertThat(RunnerStatus.OFFLINE).hasToString("offline");
  }

  private static JobStatus job(String status) {
    return new JobStatus(42, status, null, null);
  }
}
