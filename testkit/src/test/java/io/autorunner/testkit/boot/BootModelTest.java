package io.autorunner.testkit.boot;

import static io.autorunner.testkit.boot.BootPhase.APT_UPDATE;
import static io.autorunner.testkit.boot.BootPhase.BAKE_CHECKS;
import static io.autorunner.testkit.boot.BootPhase.DOCKER_INSTALL;
import static io.autorunner.testkit.boot.BootPhase.GUEST_BOOT;
import static io.autorunner.testkit.boot.BootPhase.NVIDIA_DRIVER;
import static io.autorunner.testkit.boot.BootPhase.NVIDIA_TOOLKIT;
import static io.autorunner.testkit.boot.BootPhase.RUNNER_CONNECT;
import static io.autorunner.testkit.boot.BootPhase.RUNNER_DEPENDENCIES;
import static io.autorunner.testkit.boot.BootPhase.RUNNER_DOWNLOAD;
import static io.autorunner.testkit.boot.BootPhase.WINDOWS_BOOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autorunner.testkit.gce.FakeInstance;
import io.autorunner.testkit.github.GuestBoot;
import io.autorunner.testkit.github.VmBoot;
import io.autorunner.testkit.http.JsonServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class BootModelTest {

  private static final String DEBIAN = "projects/debian-cloud/global/images/family/debian-12";
  private static final String DEEP_LEARNING =
      "projects/deeplearning-platform-release/global/images/family/"
          + "common-cu128-ubuntu-2204-nvidia-570";
  private static final String BAKED_CPU = "projects/p/global/images/family/autorunner-cpu";
  private static final String BAKED_GPU_IMAGE =
      "https://www.googleapis.com/compute/v1/projects/p/global/images/autorunner-gpu-20261201t1200";

  private final BootModel model = new BootModel(20);

  @Test
  void anUnbakedCpuVmInstallsDockerBeforeItsRequestAndTheRunnerAfter() {
    BootPlan plan = model.plan(vm(DEBIAN, false, false));

    assertThat(plan.baked()).isFalse();
    assertThat(plan.beforeConfig()).containsExactly(GUEST_BOOT, APT_UPDATE, DOCKER_INSTALL);
    assertThat(plan.afterConfig())
        .containsExactly(RUNNER_DOWNLOAD, RUNNER_DEPENDENCIES, RUNNER_CONNECT);
    assertThat(plan.real()).isEqualTo(Duration.ofSeconds(10 + 15 + 15 + 25 + 10 + 15 + 4));
  }

  @Test
  void aBakedImageSkipsEveryInstallTheBootstrapSkips() {
    BootPlan cpu = model.plan(vm(BAKED_CPU, false, false));
    BootPlan gpu = model.plan(vm(BAKED_GPU_IMAGE, true, false));

    for (BootPlan plan : List.of(cpu, gpu)) {
      assertThat(plan.baked()).isTrue();
      assertThat(plan.beforeConfig()).containsExactly(GUEST_BOOT, BAKE_CHECKS);
      assertThat(plan.afterConfig()).containsExactly(RUNNER_CONNECT);
    }
    assertThat(cpu.real()).isEqualTo(Duration.ofSeconds(10 + 15 + 2 + 4));
  }

  @Test
  void aGpuVmInstallsTheDriverOnlyWhenItsImageHasNone() {
    BootPlan deepLearning = model.plan(vm(DEEP_LEARNING, true, false));
    BootPlan debian = model.plan(vm(DEBIAN, true, false));

    assertThat(deepLearning.beforeConfig())
        .containsExactly(GUEST_BOOT, APT_UPDATE, DOCKER_INSTALL, NVIDIA_TOOLKIT);
    assertThat(debian.beforeConfig())
        .containsExactly(GUEST_BOOT, APT_UPDATE, DOCKER_INSTALL, NVIDIA_DRIVER, NVIDIA_TOOLKIT);
  }

  @Test
  void aWindowsVmBootsWindowsAndDownloadsTheRunnerUnlessBaked() {
    assertThat(model.plan(vm(DEBIAN, false, true)).beforeConfig()).containsExactly(WINDOWS_BOOT);
    assertThat(model.plan(vm(DEBIAN, false, true)).afterConfig())
        .containsExactly(RUNNER_DOWNLOAD, RUNNER_CONNECT);
    assertThat(model.plan(vm(BAKED_CPU, false, true)).afterConfig())
        .containsExactly(RUNNER_CONNECT);
  }

  @Test
  void theScriptsWaitsAreThePlansPhasesCompressed() {
    GuestBoot.Timing timing = model.timing(vm(DEBIAN, false, false));

    assertThat(timing.untilConfigRequest()).isEqualTo(Duration.ofMillis((15 + 15 + 25) * 50));
    assertThat(timing.untilOnline()).isEqualTo(Duration.ofMillis((10 + 15 + 4) * 50));
  }

  @Test
  void realWorldScalesThePlannedWaitsOfTheVmsBootAndCountsTheRestAsMeasured() {
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    // Planned: 500 ms to RUNNING (PROVISIONING / 20), 1,000 ms to the request, 500 ms to online.
    // Actual: 600 ms (the fake's clock was 100 ms late), 1,000 ms, 50 ms answer, 600 ms.
    VmBoot boot =
        new VmBoot(
            "ghr-1",
            t0.plusMillis(100),
            t0.plusMillis(700),
            t0.plusMillis(1700),
            t0.plusMillis(1750),
            t0.plusMillis(2350),
            7L,
            new GuestBoot.Timing(Duration.ofMillis(1000), Duration.ofMillis(500)));

    // 2,000 ms of planned waits twenty times; the other 400 ms (services, answer, lateness) once.
    assertThat(model.realWorld(t0, t0.plusMillis(2400), boot))
        .isEqualTo(Duration.ofMillis(2000 * 20 + 400));
    // Queued halfway through the wait before the request: half of that wait, all of the last.
    assertThat(model.realWorld(t0.plusMillis(1200), t0.plusMillis(2400), boot))
        .isEqualTo(Duration.ofMillis(1000 * 20 + 200));
    assertThat(model.realWorld(t0, t0.plusMillis(40), null)).isEqualTo(Duration.ofMillis(40));
    // A job that found the runner online long before waited on nothing compressed.
    assertThat(model.realWorld(t0.plusSeconds(10), t0.plusSeconds(11), boot))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void badInputIsRefusedWithAReason() {
    assertThatThrownBy(() -> new BootModel(0)).hasMessageContaining("compression must be 1-1000");
    Instant now = Instant.now();
    assertThatThrownBy(() -> model.realWorld(now, now.minusSeconds(1), null))
        .hasMessageContaining("ends before it starts");
    FakeInstance noDisk =
        new FakeInstance(
            "p",
            "z",
            "ghr-1",
            1,
            "RUNNING",
            Map.of(),
            Map.of(),
            JsonServer.JSON.createObjectNode(),
            now,
            false);
    assertThatThrownBy(() -> model.plan(noDisk)).hasMessageContaining("no boot disk image");
  }

  private static FakeInstance vm(String image, boolean gpu, boolean windows) {
    ObjectNode resource = JsonServer.JSON.createObjectNode();
    ObjectNode disk = resource.putArray("disks").addObject();
    disk.put("boot", true);
    disk.putObject("initializeParams").put("sourceImage", image);
    resource.put("machineType", "zones/us-central1-a/machineTypes/n1-standard-4");
    if (gpu) {
      resource.putArray("guestAccelerators").addObject().put("acceleratorCount", 1);
    }
    String script =
        windows ? FakeInstance.WINDOWS_STARTUP_SCRIPT : FakeInstance.LINUX_STARTUP_SCRIPT;
    return new FakeInstance(
        "p",
        "us-central1-a",
        "ghr-1",
        1,
        "RUNNING",
        Map.of(),
        Map.of(script, "#!"),
        resource,
        Instant.now(),
        false);
  }
}
