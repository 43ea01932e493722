package io.autorunner.common.policy;

import static io.autorunner.common.policy.LabelPolicyTest.accept;
import static io.autorunner.common.policy.LabelPolicyTest.bounds;
import static io.autorunner.common.policy.LabelPolicyTest.job;
import static io.autorunner.common.policy.LabelPolicyTest.refuse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bounds on what a label may cost (issue 13): machine size, exact machine types, bare metal,
 * standard provisioning and zones. Each refusal names the label and the bound with its value.
 */
class CostBoundsTest {

  private final LabelPolicy defaults = new LabelPolicy(PolicyProperties.defaults());

  @Nested
  class UnderTheDefaults {

    @ParameterizedTest
    @ValueSource(strings = {"c3-standard-176", "machine=c3-standard-176", "c3-highcpu-176"})
    void a176VcpuMachineIsRefused(String label) {
      assertThat(refuse(defaults, job(label)))
          .isEqualTo("label \"" + label + "\": 176 vCPUs is over autorunner.policy.max-vcpus=48");
    }

    @Test
    void theLargestTypesOfTheDefaultFamiliesAreRefused() {
      assertThat(refuse(defaults, job("n2-highmem-128"))).contains("128 vCPUs", "max-vcpus=48");
      assertThat(refuse(defaults, job("n2d-standard-224"))).contains("224 vCPUs");
      assertThat(refuse(defaults, job("g2-standard-96"))).contains("96 vCPUs");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
        delimiter = '|',
        value = {
          "(none) | e2-standard-4",
          "gpu | n1-standard-4",
          "gpu=nvidia-l4 | g2-standard-4",
          "gpu=4xnvidia-l4 | g2-standard-48",
          "gpu=4 | n1-standard-4",
          "n1-standard-8 | n1-standard-8",
          "g2-standard-8 | g2-standard-8",
          "n1-highmem-16 | n1-highmem-16",
          "c3-standard-44 | c3-standard-44",
          "n2-highmem-32 | n2-highmem-32",
          "e2-micro | e2-micro",
          "n2-custom-8-32768 | n2-custom-8-32768",
        })
    void theDefaultMachinesAndCommonGpuOnesAreAccepted(String label, String machineType) {
      List<String> labels = label.equals("(none)") ? job() : job(label);

      assertThat(accept(defaults, labels).machineType()).isEqualTo(machineType);
    }

    @Test
    void memoryOverTheBoundIsRefusedAtTheVcpusItWouldAllow() {
      assertThat(refuse(defaults, job("n2-highmem-48")))
          .isEqualTo(
              "label \"n2-highmem-48\": 384 GB of memory is over"
                  + " autorunner.policy.max-memory-gb=256");
      assertThat(refuse(defaults, job("n2-custom-8-524288")))
          .contains("512 GB of memory", "max-memory-gb=256");
    }

    @Test
    void bareMetalIsRefusedUnlessListed() {
      assertThat(refuse(defaults, job("machine=c3-standard-192-metal")))
          .contains("machine=c3-standard-192-metal")
          .contains("bare-metal")
          .contains("autorunner.policy.allowed-machine-types");
    }

    @Test
    void aTypeWhoseSizeCannotBeToldIsRefusedNotGuessedCheap() {
      assertThat(refuse(defaults, job("n1-standard-8g")))
          .contains("\"n1-standard-8g\"")
          .contains("cannot tell its vCPUs and memory");
      LabelPolicy withM1 =
          new LabelPolicy(bounds().allowedMachineFamilies(List.of("e2", "n1", "m1")).build());
      assertThat(refuse(withM1, job("m1-ultramem-40")))
          .contains("\"m1-ultramem-40\"")
          .contains("autorunner.policy.max-vcpus");
    }

    @Test
    void standardProvisioningIsAllowed() {
      assertThat(accept(defaults, job("spot=false")).spot()).isFalse();
    }
  }

  @Nested
  class StricterBounds {

    @Test
    void maxVcpusRefusesANamedMachineOverIt() {
      LabelPolicy eight = new LabelPolicy(bounds().maxVcpus(8).build());

      assertThat(refuse(eight, job("n1-standard-16")))
          .isEqualTo("label \"n1-standard-16\": 16 vCPUs is over autorunner.policy.max-vcpus=8");
      assertThat(accept(eight, job("n1-standard-8")).machineType()).isEqualTo("n1-standard-8");
    }

    @Test
    void aMachineChosenForAGpuRequestIsHeldToTheBoundsToo() {
      LabelPolicy sixteen = new LabelPolicy(bounds().maxVcpus(16).build());

      assertThat(refuse(sixteen, job("gpu=2xnvidia-l4")))
          .isEqualTo(
              "label \"gpu=2xnvidia-l4\" needs machine g2-standard-24: 24 vCPUs is over"
                  + " autorunner.policy.max-vcpus=16");
      assertThat(accept(sixteen, job("gpu=nvidia-l4")).machineType()).isEqualTo("g2-standard-4");
    }

    @Test
    void maxMemoryRefusesAHighmemMachine() {
      LabelPolicy sixtyFour = new LabelPolicy(bounds().maxMemoryGb(64).build());

      assertThat(refuse(sixtyFour, job("n1-highmem-16")))
          .isEqualTo(
              "label \"n1-highmem-16\": 104 GB of memory is over"
                  + " autorunner.policy.max-memory-gb=64");
      assertThat(accept(sixtyFour, job("n1-standard-16")).machineType())
          .isEqualTo("n1-standard-16");
    }
  }

  @Nested
  class AllowedMachineTypes {

    private final LabelPolicy listed =
        new LabelPolicy(
            bounds()
                .allowedMachineTypes(List.of("e2-standard-4", "n1-standard-4", "N2-Standard-8"))
                .build());

    @Test
    void onlyTheListedTypesAreAccepted() {
      assertThat(accept(listed, job("n2-standard-8")).machineType()).isEqualTo("n2-standard-8");
      assertThat(accept(listed, job("gpu")).machineType()).isEqualTo("n1-standard-4");
      assertThat(refuse(listed, job("n2-standard-4")))
          .isEqualTo(
              "label \"n2-standard-4\": not in autorunner.policy.allowed-machine-types"
                  + " [e2-standard-4, n1-standard-4, n2-standard-8]");
    }

    @Test
    void aDefaultMachineOffTheListIsRefused() {
      assertThat(refuse(listed, job("gpu=nvidia-l4")))
          .startsWith("label \"gpu=nvidia-l4\" needs machine g2-standard-4: not in");
    }

    @Test
    void aListedBareMetalTypeIsAcceptedWithinTheSizes() {
      LabelPolicy metal =
          new LabelPolicy(
              bounds()
                  .allowedMachineTypes(
                      List.of("e2-standard-4", "n1-standard-4", "c3-standard-192-metal"))
                  .maxVcpus(192)
                  .maxMemoryGb(768)
                  .build());

      assertThat(accept(metal, job("c3-standard-192-metal")).machineType())
          .isEqualTo("c3-standard-192-metal");
    }

    @Test
    void aListedTypeOverTheSizesStopsTheStart() {
      assertThatThrownBy(
              () ->
                  bounds()
                      .allowedMachineTypes(
                          List.of("e2-standard-4", "n1-standard-4", "c3-standard-192-metal"))
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "autorunner.policy.allowed-machine-types: c3-standard-192-metal: 192 vCPUs is over"
                  + " autorunner.policy.max-vcpus=48");
    }

    @Test
    void aListedTypeOfAFamilyNotAllowedStopsTheStart() {
      assertThatThrownBy(
              () -> bounds().allowedMachineTypes(List.of("e2-standard-4", "n4-standard-8")).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("autorunner.policy.allowed-machine-types: n4-standard-8: its")
          .hasMessageContaining("allowed-machine-families");
    }

    @Test
    void aListWithoutTheDefaultMachineStopsTheStart() {
      assertThatThrownBy(() -> bounds().allowedMachineTypes(List.of("n1-standard-4")).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("autorunner.policy.default-machine-type e2-standard-4: not in");
    }

    @Test
    void theDefaultGpuMachineNeedNotBeListedWhereGpusAreNotAllowed() {
      LabelPolicy cpuOnly =
          new LabelPolicy(
              bounds().allowedMachineTypes(List.of("e2-standard-4")).maxGpus(0).build());

      assertThat(accept(cpuOnly, job()).machineType()).isEqualTo("e2-standard-4");
      assertThatThrownBy(() -> bounds().allowedMachineTypes(List.of("e2-standard-4")).build())
          .hasMessageStartingWith("autorunner.policy.default-gpu-machine-type n1-standard-4");
    }
  }

  @Nested
  class SpotOnly {

    private final LabelPolicy spotOnly = new LabelPolicy(bounds().allowStandard(false).build());

    @Test
    void spotFalseIsRefused() {
      assertThat(refuse(spotOnly, job("spot=false")))
          .isEqualTo(
              "label \"spot=false\": standard provisioning is not allowed here;"
                  + " autorunner.policy.allow-standard=false allows Spot VMs only");
      assertThat(refuse(spotOnly, job("SPOT=False"))).contains("allow-standard=false");
    }

    @Test
    void spotJobsAreAccepted() {
      assertThat(accept(spotOnly, job()).spot()).isTrue();
      assertThat(accept(spotOnly, job("spot=true", "gpu")).spot()).isTrue();
    }

    @Test
    void standardByDefaultAndSpotOnlyContradictEachOther() {
      assertThatThrownBy(() -> bounds().spot(false).allowStandard(false).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("autorunner.policy.spot=false");
    }
  }

  @Nested
  class Zones {

    private final List<String> gceZones = List.of("us-central1-a", "US-CENTRAL1-B");

    @Test
    void withNoAllowedZonesAZoneMustBeOneVmsAreMadeIn() {
      LabelPolicy handler = new LabelPolicy(PolicyProperties.defaults(), gceZones);

      assertThat(accept(handler, job("zone=us-central1-b")).zone()).isEqualTo("us-central1-b");
      assertThat(refuse(handler, job("zone=europe-west4-a")))
          .isEqualTo(
              "label \"zone=europe-west4-a\" is not one of the zones VMs are made in,"
                  + " autorunner.gce.zones=[us-central1-a, us-central1-b]"
                  + " (autorunner.policy.allowed-zones is empty)");
    }

    @Test
    void whereTheZonesAreNotKnownAnyWellFormedZoneIsAccepted() {
      assertThat(accept(defaults, job("zone=europe-west4-a")).zone()).isEqualTo("europe-west4-a");
      assertThat(refuse(defaults, job("zone=mars"))).contains("not a GCE zone name");
    }

    @Test
    void allowedZonesDecideWhenListed() {
      LabelPolicy handler =
          new LabelPolicy(bounds().allowedZones(List.of("europe-west4-a")).build(), gceZones);

      assertThat(accept(handler, job("zone=europe-west4-a")).zone()).isEqualTo("europe-west4-a");
      assertThat(refuse(handler, job("zone=us-central1-a")))
          .contains("zone=us-central1-a")
          .contains("autorunner.policy.allowed-zones=[europe-west4-a]");
    }
  }
}
