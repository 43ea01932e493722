package io.autorunner.handler.vm;

import io.autorunner.common.policy.Accelerator;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.vm.gce.GceProperties;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Readable machine requests and configurations for the compute adapters' tests. */
public final class Requests {

  /**
   * A startup script as the handler renders one now: it asks for its runner, and holds no secret.
   */
  public static final String SCRIPT = "#!/bin/bash\necho autorunner-bootstrap: SCRIPT-BODY\n";

  public static final HandoutAddress HANDOUT =
      new HandoutAddress(
          URI.create("https://handler-abc123-uc.a.run.app/vm/runner-config"),
          "https://handler-abc123-uc.a.run.app");

  private Requests() {}

  public static JobRef job() {
    return new JobRef(4242, 777, 1, "Octo-Org/My.Repo", "Octo-Org", 99L);
  }

  public static RunnerSpec cpuSpec() {
    return new RunnerSpec(
        "e2-standard-4", null, 100, null, null, true, OperatingSystem.LINUX, List.of("gce"));
  }

  public static RunnerSpec t4Spec() {
    return new RunnerSpec(
        "n1-standard-4",
        new Accelerator("nvidia-tesla-t4", 1),
        100,
        null,
        null,
        true,
        OperatingSystem.LINUX,
        List.of("gce", "gpu"));
  }

  public static RunnerSpec l4Spec() {
    return new RunnerSpec(
        "g2-standard-4",
        new Accelerator("nvidia-l4", 1),
        100,
        null,
        null,
        true,
        OperatingSystem.LINUX,
        List.of("gce", "gpu=nvidia-l4"));
  }

  public static RunnerSpec windowsSpec() {
    return new RunnerSpec(
        "e2-standard-4", null, 100, null, null, true, OperatingSystem.WINDOWS, List.of("windows"));
  }

  public static MachineRequest request(RunnerSpec spec) {
    return new MachineRequest(
        "ghr-4242-1", spec, job(), HANDOUT, SCRIPT, "GPU Tests", "train (cuda, 3.12)");
  }

  public static MachineRequest request(String name, RunnerSpec spec) {
    return new MachineRequest(name, spec, job(), HANDOUT, SCRIPT);
  }

  public static GceProperties gce(List<String> zones) {
    return gce(zones, false, null, true, null);
  }

  public static GceProperties gce(
      List<String> zones,
      boolean spotFallback,
      String endpoint,
      boolean externalIp,
      String serviceAccount) {
    return new GceProperties(
        "my-project",
        zones,
        endpoint,
        "global/networks/default",
        null,
        externalIp,
        serviceAccount,
        "projects/debian-cloud/global/images/family/debian-12",
        "projects/deeplearning-platform-release/global/images/family/common-cu128",
        "projects/windows-cloud/global/images/family/windows-2022",
        "pd-balanced",
        Duration.ofHours(6),
        spotFallback,
        Duration.ofMinutes(3),
        Duration.ofMinutes(5),
        false,
        Duration.ofMinutes(5),
        true);
  }

  public static PolicyProperties policy(Map<String, String> imageAliases) {
    return policy(imageAliases, true);
  }

  /** The default bounds but Spot only: {@code autorunner.policy.allow-standard=false}. */
  public static PolicyProperties spotOnlyPolicy() {
    return policy(Map.of(), false);
  }

  private static PolicyProperties policy(Map<String, String> imageAliases, boolean allowStandard) {
    PolicyProperties d = PolicyProperties.defaults();
    return new PolicyProperties(
        d.defaultMachineType(),
        d.defaultGpuMachineType(),
        d.defaultGpuType(),
        d.allowedMachineFamilies(),
        d.allowedMachineTypes(),
        d.maxVcpus(),
        d.maxMemoryGb(),
        d.allowedGpuTypes(),
        d.maxGpus(),
        d.defaultDiskGb(),
        d.maxDiskGb(),
        imageAliases,
        d.allowedZones(),
        d.spot(),
        allowStandard,
        d.maxLabels(),
        d.maxLabelLength());
  }
}
