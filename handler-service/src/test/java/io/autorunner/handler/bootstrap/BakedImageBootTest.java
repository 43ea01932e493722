package io.autorunner.handler.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.common.policy.Accelerator;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.github.GitHubProperties;
import io.autorunner.handler.testing.FakeVm;
import io.autorunner.handler.testing.ScriptRun;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rendered Linux bootstrap on a fake VM ({@link FakeVm}: its files under a test root, its
 * system commands faked), with and without a baked image: what the bake marker lets it skip, and
 * that a missing or stale bake falls back to installing at boot.
 */
class BakedImageBootTest {

  static final String VERSION = "2.335.1";
  static final String RUNNER_DOWNLOAD = FakeVm.RELEASE_HOST + "/v" + VERSION + "/";

  @TempDir Path tmp;
  FakeVm vm;
  String sha;

  @BeforeEach
  void vm() throws Exception {
    vm = FakeVm.debian(tmp);
    sha = vm.packRelease();
  }

  @Test
  void aFullMarkerOfTheHandlersVersionsInstallsNothingAndDownloadsNoRunner() throws Exception {
    vm.docker();
    vm.bakedRunner(VERSION);
    vm.marker(fullMarker(VERSION, sha));

    ScriptRun run = boot(cpu());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("image baked at 2026-05-20T10:00:00Z from projects/debian-cloud/global/images/")
        .contains("docker 20.10.24+dfsg1: baked into the image")
        .contains("runner " + VERSION + ": baked into the image")
        .contains("installed at boot: nothing, the image brought everything");
    assertThat(vm.calls())
        .noneMatch(c -> c.startsWith("apt-get"))
        .noneMatch(c -> c.contains(FakeVm.RELEASE_HOST))
        .noneMatch(c -> c.startsWith("installdependencies.sh"))
        .contains("runner ran in " + vm.root().resolve("home/runner/actions-runner"))
        .contains("systemctl poweroff");
    // The baked release became the runner's directory.
    assertThat(vm.root().resolve("opt/actions-runner-" + VERSION)).doesNotExist();
    assertThat(vm.root().resolve("home/runner/actions-runner/bin/Runner.Listener")).exists();
  }

  @Test
  void aMarkerOfAnotherRunnerVersionDownloadsTheHandlersRunnerAndKeepsTheBakedDocker()
      throws Exception {
    vm.docker();
    vm.bakedRunner("2.330.0");
    vm.marker(fullMarker("2.330.0", "0".repeat(64)));

    ScriptRun run = boot(cpu());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("the image was baked with runner 2.330.0, this VM needs " + VERSION)
        .contains("re-bake the image")
        .contains("sha256 of actions-runner-linux-x64-" + VERSION + ".tar.gz verified")
        .contains("installed at boot: actions-runner " + VERSION);
    assertThat(vm.calls())
        .noneMatch(c -> c.startsWith("apt-get"))
        .contains("curl GET " + RUNNER_DOWNLOAD + "actions-runner-linux-x64-" + VERSION + ".tar.gz")
        .contains(
            "installdependencies.sh in " + vm.root().resolve("home/runner/actions-runner/bin"));
  }

  @Test
  void theRightVersionWithAnotherChecksumIsNotTrustedEither() throws Exception {
    vm.docker();
    vm.bakedRunner(VERSION);
    vm.marker(fullMarker(VERSION, "f".repeat(64)));

    ScriptRun run = boot(cpu());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("the image's runner " + VERSION + " was checked against sha256 " + "f".repeat(64))
        .contains("installed at boot: actions-runner " + VERSION);
    assertThat(vm.calls()).anyMatch(c -> c.contains(FakeVm.RELEASE_HOST));
  }

  @Test
  void aMarkerWhoseRunnerDirectoryOrDockerIsGoneFallsBackForWhatIsMissing() throws Exception {
    // The marker names both, the image has neither: cheap to check, so checked.
    vm.marker(fullMarker(VERSION, sha));

    ScriptRun run = boot(cpu());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("the bake marker names docker 20.10.24+dfsg1, but there is no docker binary")
        .contains(
            "the bake marker names runner "
                + VERSION
                + ", but "
                + vm.root().resolve("opt/actions-runner-" + VERSION)
                + " is incomplete")
        .contains("installed at boot: docker.io, actions-runner " + VERSION);
    assertThat(vm.calls())
        .anyMatch(
            c -> c.startsWith("apt-get") && c.contains("install --no-install-recommends docker.io"))
        .anyMatch(c -> c.contains(FakeVm.RELEASE_HOST));
  }

  @Test
  void withoutAMarkerTheBootInstallsDockerAndDownloadsTheRunnerAsBefore() throws Exception {
    ScriptRun run = boot(cpu());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("image not baked (no " + vm.root().resolve("etc/autorunner/baked") + ")")
        .contains("installing docker (docker.io)")
        .contains("installed at boot: docker.io, actions-runner " + VERSION);
    List<String> calls = vm.calls();
    List<String> apt = calls.stream().filter(c -> c.startsWith("apt-get")).toList();
    assertThat(apt).hasSize(2);
    assertThat(apt.get(0)).endsWith(" update");
    assertThat(apt.get(1)).endsWith("install --no-install-recommends docker.io");
    assertThat(calls)
        .contains("curl GET " + RUNNER_DOWNLOAD + "actions-runner-linux-x64-" + VERSION + ".tar.gz")
        .anyMatch(c -> c.startsWith("installdependencies.sh in "))
        .contains("useradd --create-home --shell /bin/bash --user-group runner")
        .contains("runner ran in " + vm.root().resolve("home/runner/actions-runner"));
  }

  @Test
  void aGpuImageWithTheBakedDriverAndToolkitInstallsNoDriverAndKeepsDockerRunning()
      throws Exception {
    vm.docker();
    vm.bakedRunner(VERSION);
    vm.nvidiaStack();
    vm.marker(
        fullMarker(VERSION, sha, "nvidia_driver=570.133.20", "nvidia_container_toolkit=1.17.5-1"));

    ScriptRun run = boot(gpu());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .contains("nvidia_driver=570.133.20 nvidia_container_toolkit=1.17.5-1")
        .contains("NVIDIA driver present: Tesla T4, 570.133.20 (baked 570.133.20)")
        .contains("nvidia-container-toolkit 1.17.5-1: baked into the image")
        .contains("docker already has the nvidia runtime")
        .contains("installed at boot: nothing");
    assertThat(vm.calls())
        .noneMatch(c -> c.startsWith("apt-get"))
        .noneMatch(c -> c.startsWith("modprobe"))
        .noneMatch(c -> c.contains("nvidia.github.io"))
        .noneMatch(c -> c.equals("systemctl restart docker"))
        .anyMatch(c -> c.startsWith("nvidia-ctk runtime configure --runtime=docker"))
        .contains("nvidia-container-cli info");
  }

  @Test
  void aGpuVmWhoseDockerLacksTheNvidiaRuntimeRestartsDockerAfterConfiguringIt() throws Exception {
    vm.docker();
    vm.nvidiaStack();
    Files.writeString(vm.root().resolve("etc/docker/daemon.json"), "{}\n");

    ScriptRun run = boot(gpu());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(vm.calls()).contains("systemctl restart docker");
    assertThat(run.output()).contains("NVIDIA driver present: Tesla T4, 570.133.20 (not baked)");
  }

  @Test
  void aMarkerValueOutsideItsAlphabetIsIgnoredNotRun() throws Exception {
    Path pwned = tmp.resolve("pwned");
    vm.docker();
    vm.bakedRunner(VERSION);
    vm.marker(
        "runner_version=$(touch " + pwned + ")",
        "runner_sha256=" + sha,
        "docker=`touch " + pwned + "`");

    ScriptRun run = boot(cpu());

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(pwned).doesNotExist();
    assertThat(run.output())
        .contains("docker 20.10.24+dfsg1 is already installed")
        .contains("installed at boot: actions-runner " + VERSION);
  }

  // --- helpers

  static String[] fullMarker(String runnerVersion, String runnerSha, String... more) {
    List<String> lines =
        new java.util.ArrayList<>(
            List.of(
                "# What this image was baked with",
                "baked_at=2026-05-20T10:00:00Z",
                "base_image=projects/debian-cloud/global/images/family/debian-12",
                "docker=20.10.24+dfsg1",
                "runner_version=" + runnerVersion,
                "runner_sha256=" + runnerSha));
    lines.addAll(List.of(more));
    return lines.toArray(String[]::new);
  }

  private ScriptRun boot(RunnerSpec spec) throws IOException, InterruptedException {
    StartupScripts scripts = new StartupScripts(github(VERSION, sha));
    Path script = tmp.resolve("startup.sh");
    Files.writeString(script, scripts.render(spec, "ghr-7-1"));
    return vm.run(script);
  }

  static GitHubProperties github(String version, String linuxSha) {
    return new GitHubProperties(
        URI.create("https://api.github.com"),
        "t",
        null,
        null,
        "autorunner",
        true,
        version,
        linuxSha,
        "eb65c95277af42bcf3778a799c41359d224ba2a67b4de26b7cea1729b09c803d",
        FakeVm.RELEASE_HOST + "/vVERSION/FILE");
  }

  static RunnerSpec cpu() {
    return new RunnerSpec(
        "n2-standard-4", null, 50, null, null, true, OperatingSystem.LINUX, List.of("self-hosted"));
  }

  static RunnerSpec gpu() {
    return new RunnerSpec(
        "n1-standard-8",
        new Accelerator("nvidia-tesla-t4", 1),
        100,
        null,
        null,
        true,
        OperatingSystem.LINUX,
        List.of("self-hosted", "gpu"));
  }
}
