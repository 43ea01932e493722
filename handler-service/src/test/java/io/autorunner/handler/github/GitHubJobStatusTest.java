package io.autorunner.handler.github;

import static org.assertj.core.api.Assertions.assertThat;

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

  private static JobStatus job(String status) {
    return new JobStatus(42, status, null, null);
  }
}
