package io.autorunner.common.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OperatingSystemTest {

  @Test
  void aWindowsLabelInAnyCaseAsksForWindows() {
    assertThat(OperatingSystem.of(List.of("self-hosted", "gce", "windows")))
        .isEqualTo(OperatingSystem.WINDOWS);
    assertThat(OperatingSystem.of(List.of("Windows", "gce"))).isEqualTo(OperatingSystem.WINDOWS);
  }

  @Test
  void anyOtherLabelsAskForLinux() {
    assertThat(OperatingSystem.of(List.of("self-hosted", "gce", "windows-2022")))
        .isEqualTo(OperatingSystem.LINUX);
    assertThat(OperatingSystem.of(List.of())).isEqualTo(OperatingSystem.LINUX);
  }
}
