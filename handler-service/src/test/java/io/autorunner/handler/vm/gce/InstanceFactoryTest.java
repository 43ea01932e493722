package io.autorunner.handler.vm.gce;

import static io.autorunner.handler.vm.Requests.SCRIPT;
import static io.autorunner.handler.vm.Requests.cpuSpec;
import static io.autorunner.handler.vm.Requests.gce;
import static io.autorunner.handler.vm.Requests.job;
import static io.autorunner.handler.vm.Requests.l4Spec;
import static io.autorunner.handler.vm.Requests.policy;
import static io.autorunner.handler.vm.Requests.request;
import static io.autorunner.handler.vm.Requests.spotOnlyPolicy;
import static io.autorunner.handler.vm.Requests.t4Spec;
import static io.autorunner.handler.vm.Requests.windowsSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.compute.v1.AttachedDiskInitializeParams;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.Scheduling;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.vm.BilledShape;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.Requests;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class InstanceFactoryTest {

  private static final String ZONE = "us-central1-b";

  private final InstanceFactory factory =
      new InstanceFactory(gce(List.of("us-central1-a", ZONE)), policy(Map.of()));

  @Test
  void cpuVmGetsZoneQualifiedMachineTypeCpuImageAndNoAccelerators() {
    Instance vm = factory.instance(request(cpuSpec()), ZONE, true);

    assertThat(vm.getName()).isEqualTo("ghr-4242-1");
    assertThat(vm.getMachineType()).isEqualTo("zones/us-central1-b/machineTypes/e2-standard-4");
    assertThat(bootParams(vm).getSourceImage())
        .isEqualTo("projects/debian-cloud/global/images/family/debian-12");
    assertThat(vm.getGuestAcceleratorsList()).isEmpty();
    assertThat(vm.getLabelsMap()).containsEntry("autorunner-gpu", "false");
  }

  @Test
  void theJobIsWrittenToMetadataInFullAndReadBackWithoutTheScript() {
    Instance vm = factory.instance(request(cpuSpec()), ZONE, true);

    assertThat(metadata(vm))
        .containsEntry("autorunner-job-id", "4242")
        .containsKey("autorunner-run-id")
        .containsKey("autorunner-repository");
    Optional<JobRef> read = InstanceReader.jobOf(vm);
    assertThat(read).isPresent();
    JobRef job = read.get();
    assertThat(job.jobId()).isEqualTo(4242);
    assertThat(job.repository()).isEqualTo(metadata(vm).get("autorunner-repository"));
  }

  @Test
  void bootDiskIsAutoDeletedWithTheSpecsSizeAndTheZonesDiskType() {
    RunnerSpec big =
        new RunnerSpec(
            "e2-standard-4", null, 250, null, null, true, OperatingSystem.LINUX, List.of());

    Instance vm = factory.instance(request(big), ZONE, true);

    assertThat(vm.getDisksList()).hasSize(1);
    assertThat(vm.getDisks(0).getBoot()).isTrue();
    assertThat(vm.getDisks(0).getAutoDelete()).isTrue();
    assertThat(bootParams(vm).getDiskSizeGb()).isEqualTo(250);
    assertThat(bootParams(vm).getDiskType()).isEqualTo("zones/us-central1-b/diskTypes/pd-balanced");
  }

  @Test
  void t4OnN1GetsTheAcceleratorAndTheGpuImage() {
    Instance vm = factory.instance(request(t4Spec()), ZONE, true);

    assertThat(vm.getGuestAcceleratorsList()).hasSize(1);
    assertThat(vm.getGuestAccelerators(0).getAcceleratorType())
        .isEqualTo("zones/us-central1-b/acceleratorTypes/nvidia-tesla-t4");
    assertThat(vm.getGuestAccelerators(0).getAcceleratorCount()).isEqualTo(1);
    assertThat(bootParams(vm).getSourceImage())
        .isEqualTo("projects/deeplearning-platform-release/global/images/family/common-cu128");
    assertThat(vm.getLabelsMap()).containsEntry("autorunner-gpu", "true");
  }

  @Test
  void l4OnG2NamesNoAcceleratorBecauseTheMachineBringsIt() {
    Instance vm = factory.instance(request(l4Spec()), ZONE, true);

    assertThat(vm.getMachineType()).isEqualTo("zones/us-central1-b/machineTypes/g2-standard-4");
    assertThat(vm.getGuestAcceleratorsList()).isEmpty();
    assertThat(bootParams(vm).getSourceImage()).contains("deeplearning-platform-release");
    assertThat(vm.getLabelsMap()).containsEntry("autorunner-gpu", "true");
  }

  @Test
  void windowsVmGetsTheWindowsImageAndThePowerShellStartupKey() {
    Instance vm = factory.instance(request(windowsSpec()), ZONE, true);

    assertThat(bootParams(vm).getSourceImage())
        .isEqualTo("projects/windows-cloud/global/images/family/windows-2022");
    assertThat(metadata(vm))
        .containsEntry("windows-startup-script-ps1", SCRIPT)
        .doesNotContainKey("startup-script");
  }

  @Test
  void linuxVmCarriesItsScriptAndBlocksProjectSshKeys() {
    Instance vm = factory.instance(request(cpuSpec()), ZONE, true);

    assertThat(metadata(vm))
        .containsEntry("startup-script", SCRIPT)
        .containsEntry("block-project-ssh-keys", "true")
        .containsEntry("autorunner-job-id", "4242")
        .containsEntry("autorunner-repository", "Octo-Org/My.Repo")
        .doesNotContainKey("windows-startup-script-ps1");
  }

  @Test
  void spotVmIsDeletedAtItsMaxRunDuration() {
    Scheduling scheduling = factory.instance(request(t4Spec()), ZONE, true).getScheduling();

    assertThat(scheduling.getProvisioningModel()).isEqualTo("SPOT");
    assertThat(scheduling.getInstanceTerminationAction()).isEqualTo("DELETE");
    assertThat(scheduling.getMaxRunDuration().getSeconds()).isEqualTo(6 * 3600);
    assertThat(scheduling.getOnHostMaintenance()).isEqualTo("TERMINATE");
    assertThat(scheduling.getAutomaticRestart()).isFalse();
    assertThat(scheduling.hasPreemptible()).isFalse();
  }

  @Test
  void standardVmIsStillDeletedAtItsMaxRunDuration() {
    Instance vm = factory.instance(request(t4Spec()), ZONE, false);
    Scheduling scheduling = vm.getScheduling();

    assertThat(scheduling.getProvisioningModel()).isEqualTo("STANDARD");
    assertThat(scheduling.getInstanceTerminationAction()).isEqualTo("DELETE");
    assertThat(scheduling.getMaxRunDuration().getSeconds()).isEqualTo(6 * 3600);
    assertThat(scheduling.getOnHostMaintenance()).isEqualTo("TERMINATE");
    assertThat(scheduling.getAutomaticRestart()).isFalse();
    assertThat(vm.getLabelsMap()).containsEntry("autorunner-spot", "false");
  }

  @Test
  void noStandardVmIsBuiltWhereOnlySpotIsAllowed() {
    InstanceFactory spotOnly = new InstanceFactory(gce(List.of(ZONE)), spotOnlyPolicy());

    assertThat(spotOnly.standardAllowed()).isFalse();
    assertThat(factory.standardAllowed()).isTrue();
    assertThat(spotOnly.instance(request(t4Spec()), ZONE, true).getScheduling())
        .extracting(Scheduling::getProvisioningModel)
        .isEqualTo("SPOT");
    assertThatThrownBy(() -> spotOnly.instance(request(t4Spec()), ZONE, false))
        .isInstanceOf(ComputeException.Permanent.class)
        .hasMessageContaining("autorunner.policy.allow-standard=false");
  }

  @Test
  void theZoneGivenQualifiesEveryZonalPart() {
    Instance vm = factory.instance(request(t4Spec()), "europe-west4-a", true);

    assertThat(vm.getMachineType()).startsWith("zones/europe-west4-a/");
    assertThat(bootParams(vm).getDiskType()).startsWith("zones/europe-west4-a/");
    assertThat(vm.getGuestAccelerators(0).getAcceleratorType()).startsWith("zones/europe-west4-a/");
  }

  @Test
  void imageAliasIsResolvedThroughPolicy() {
    InstanceFactory withAlias =
        new InstanceFactory(
            gce(List.of(ZONE)), policy(Map.of("cuda12", "projects/my-images/global/images/cuda")));
    RunnerSpec spec =
        new RunnerSpec(
            "n1-standard-4",
            t4Spec().accelerator(),
            100,
            "cuda12",
            null,
            true,
            OperatingSystem.LINUX,
            List.of());

    assertThat(bootParams(withAlias.instance(request(spec), ZONE, true)).getSourceImage())
        .isEqualTo("projects/my-images/global/images/cuda");
  }

  @Test
  void unknownImageAliasIsRefusedPermanently() {
    RunnerSpec spec =
        new RunnerSpec(
            "e2-standard-4", null, 100, "nope", null, true, OperatingSystem.LINUX, List.of());

    assertThatThrownBy(() -> factory.instance(request(spec), ZONE, true))
        .isInstanceOf(ComputeException.Permanent.class)
        .hasMessageContaining("nope");
  }

  @Test
  void externalIpGivesOneToOneNatAndNoExternalIpGivesNoAccessConfig() {
    Instance withIp = factory.instance(request(cpuSpec()), ZONE, true);
    InstanceFactory private_ =
        new InstanceFactory(gce(List.of(ZONE), false, null, false, null), policy(Map.of()));
    Instance withoutIp = private_.instance(request(cpuSpec()), ZONE, true);

    assertThat(withIp.getNetworkInterfaces(0).getNetwork()).isEqualTo("global/networks/default");
    assertThat(withIp.getNetworkInterfaces(0).getAccessConfigsList())
        .singleElement()
        .satisfies(a -> assertThat(a.getType()).isEqualTo("ONE_TO_ONE_NAT"));
    assertThat(withoutIp.getNetworkInterfaces(0).getAccessConfigsList()).isEmpty();
    assertThat(withoutIp.getNetworkInterfaces(0).hasSubnetwork()).isFalse();
  }

  @Test
  void noServiceAccountConfiguredMeansNoServiceAccountAtAll() {
    Instance vm = factory.instance(request(cpuSpec()), ZONE, true);

    assertThat(vm.getServiceAccountsList()).isEmpty();
  }

  @Test
  void configuredServiceAccountGetsTheCloudPlatformScope() {
    InstanceFactory withAccount =
        new InstanceFactory(
            gce(List.of(ZONE), false, null, true, "runner@my-project.iam.gserviceaccount.com"),
            policy(Map.of()));

    Instance vm = withAccount.instance(request(cpuSpec()), ZONE, true);

    assertThat(vm.getServiceAccountsList()).singleElement();
    assertThat(vm.getServiceAccounts(0).getEmail())
        .isEqualTo("runner@my-project.iam.gserviceaccount.com");
    assertThat(vm.getServiceAccounts(0).getScopesList())
        .containsExactly("https://www.googleapis.com/auth/cloud-platform");
  }

  @Test
  void theMetadataSaysWhereTheVmAsksForItsRunnerAndWithWhichLabels() {
    Instance vm = factory.instance(request(t4Spec()), ZONE, true);

    assertThat(metadata(vm))
        .containsEntry(
            "autorunner-runner-config-url", "https://handler-abc123-uc.a.run.app/vm/runner-config")
        .containsEntry("autorunner-runner-config-audience", "https://handler-abc123-uc.a.run.app")
        .containsEntry("autorunner-runner-labels", "gce,gpu");
  }

  @Test
  void noMetadataValueOrLabelHoldsAnythingLikeARunnerSecret() {
    String script = new StartupScripts(Fixtures.githubProperties()).render(t4Spec(), "ghr-4242-1");
    MachineRequest rendered =
        new MachineRequest("ghr-4242-1", t4Spec(), Requests.job(), Requests.HANDOUT, script);

    Instance vm = factory.instance(rendered, ZONE, true);

    assertThat(metadata(vm)).containsEntry("startup-script", script);
    Map<String, String> everything = new java.util.LinkedHashMap<>(metadata(vm));
    vm.getLabelsMap().forEach((key, value) -> everything.put("label " + key, value));
    everything.forEach(
        (key, value) -> {
          assertThat(key).as("key").doesNotContainIgnoringCase("jit");
          // An encoded JIT config is base64 of a JSON object ("eyJ…"), hundreds of characters.
          assertThat(value)
              .as(key)
              .doesNotContainPattern("eyJ[A-Za-z0-9+/]{16,}")
              .doesNotContainPattern("[A-Za-z0-9+/=]{100,}");
          if (!key.equals("startup-script")) {
            assertThat(value).as(key).doesNotContainIgnoringCase("jit");
          }
        });
    // The script keeps the place where the fetched config goes empty.
    assertThat(script).contains("JIT_CONFIG=''");
  }

  @Test
  void labelsNameTheJobRunRepositoryWorkflowShapeAndProvisioningButNoRunnerAtInsert() {
    Instance vm = factory.instance(request(t4Spec()), ZONE, true);

    assertThat(vm.getLabelsMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("managed-by", "autorunner"),
                Map.entry("autorunner-job-id", "4242"),
                Map.entry("autorunner-run-id", "777"),
                Map.entry("autorunner-repository", "octo-org_my_repo"),
                Map.entry("autorunner-workflow", "gpu_tests"),
                Map.entry("autorunner-job", "train__cuda__3_12_"),
                Map.entry("autorunner-gpu", "true"),
                Map.entry("autorunner-spot", "true"),
                Map.entry("autorunner-machine-type", "n1-standard-4"),
                Map.entry("autorunner-gpu-type", "nvidia-tesla-t4"),
                Map.entry("autorunner-gpu-count", "1"),
                Map.entry("autorunner-disk-gb", "100"),
                Map.entry("autorunner-disk-type", "pd-balanced")));
  }

  @Test
  void theShapeTheLabelsRecordIsReadBackAsInserted() {
    Instance vm = factory.instance(request(t4Spec()), ZONE, false);

    assertThat(BilledShape.of(vm.getLabelsMap()))
        .contains(
            new BilledShape("n1-standard-4", "nvidia-tesla-t4", 1, 100, "pd-balanced", false));
    assertThat(
            BilledShape.of(factory.instance(request(cpuSpec()), ZONE, true).getLabelsMap())
                .orElseThrow()
                .gpuCount())
        .isZero();
  }

  @Test
  void aJobWithoutAKnownWorkflowGetsNoWorkflowLabels() {
    Instance vm =
        factory.instance(
            new MachineRequest("ghr-4242-1", cpuSpec(), job(), Requests.HANDOUT, Requests.SCRIPT),
            ZONE,
            true);

    assertThat(vm.getLabelsMap()).doesNotContainKeys("autorunner-workflow", "autorunner-job");
  }

  @Test
  void everyLabelValueKeepsToGceRulesWhateverTheNamesHold() {
    MachineRequest hostile =
        new MachineRequest(
            "ghr-4242-1",
            t4Spec(),
            job(),
            Requests.HANDOUT,
            Requests.SCRIPT,
            "Déploiement $(reboot) " + "x".repeat(80),
            "ÜBER\njob");

    factory
        .instance(hostile, ZONE, true)
        .getLabelsMap()
        .forEach(
            (key, value) ->
                assertThat(value).as(key).hasSizeLessThanOrEqualTo(63).matches("[a-z0-9_-]*"));
  }

  @Test
  void labelValuesFollowGceRules() {
    assertThat(InstanceLabels.labelValue("Octo-Org/My.Repo")).isEqualTo("octo-org_my_repo");
    assertThat(InstanceLabels.labelValue("9lives/x")).isEqualTo("r-9lives_x");
    String long_ = InstanceLabels.labelValue("a".repeat(39) + "/" + "b".repeat(100));
    assertThat(long_).hasSize(63).matches("[a-z][a-z0-9_-]*");
  }

  private static AttachedDiskInitializeParams bootParams(Instance vm) {
    return vm.getDisks(0).getInitializeParams();
  }

  private static Map<String, String> metadata(Instance vm) {
    return vm.getMetadata().getItemsList().stream()
        .collect(Collectors.toMap(Items::getKey, Items::getValue));
  }
}
