package io.autorunner.handler.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceStatusTest {

  @Test
  void readsEveryWordGceSpellsAsTheConstantOfThatName() {
    for (InstanceStatus status : InstanceStatus.values()) {
      assertThat(InstanceStatus.of(status.name())).isEqualTo(status);
      assertThat(status.toString()).isEqualTo(status.name());
    }
    assertThat(InstanceStatus.of("TERMINATED")).isEqualTo(InstanceStatus.TERMINATED);
  }

  @Test
  void anUnknownEmptyOrMissingWordIsOtherAndNotStopped() {
    assertThat(InstanceStatus.of("HIBERNATING")).isEqualTo(InstanceStatus.OTHER);
    assertThat(InstanceStatus.of("")).isEqualTo(InstanceStatus.OTHER);
    assertThat(InstanceStatus.of(null)).isEqualTo(InstanceStatus.OTHER);
    assertThat(InstanceStatus.OTHER.stopped()).isFalse();
  }

  @Test
  void stoppedAreTheStatesOfAVmThatNoLongerRunsOrIsGoing() {
    assertThat(InstanceStatus.values())
        .filteredOn(InstanceStatus::stopped)
        .containsExactlyInAnyOrder(
            InstanceStatus.STOPPING,
            InstanceStatus.STOPPED,
            InstanceStatus.SUSPENDING,
            InstanceStatus.SUSPENDED,
            InstanceStatus.TERMINATED);
  }

  @Test
  void aMachineIsStoppedWhenItsStatusIs() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");

    assertThat(
            new Machine(
                    "a", "z", InstanceStatus.TERMINATED, Map.of(), t, java.util.Optional.empty())
                .stopped())
        .isTrue();
    assertThat(
            new Machine("a", "z", InstanceStatus.RUNNING, Map.of(), t, java.util.Optional.empty())
                .stopped())
        .isFalse();
  }

  @Test
  void aMachineIsSpotUnlessLabelledOtherwise() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");

    assertThat(
            new Machine("a", "z", InstanceStatus.RUNNING, Map.of(), t, java.util.Optional.empty())
                .spot())
        .isTrue();
    assertThat(
            new Machine(
                    "a",
                    "z",
                    InstanceStatus.RUNNING,
                    Map.of(MachineLabels.SPOT, "false"),
                    t,
                    java.util.Optional.empty())
                .spot())
        .isFalse();
  }
}
