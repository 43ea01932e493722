package io.autorunner.common.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.autorunner.common.policy.MachineSizes.MachineSize;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A machine type's vCPUs and memory from its name, against GCE's documented figures. */
class MachineSizesTest {

  @ParameterizedTest(name = "{0}: {1} vCPUs, {2} GB")
  @CsvSource({
    "e2-standard-4, 4, 16",
    "e2-highcpu-32, 32, 32",
    "e2-highmem-16, 16, 128",
    "e2-micro, 2, 1",
    "e2-small, 2, 2",
    "e2-medium, 2, 4",
    "f1-micro, 1, 0.6",
    "g1-small, 1, 1.7",
    "n1-standard-1, 1, 3.75",
    "n1-standard-4, 4, 15",
    "n1-standard-8, 8, 30",
    "n1-highmem-16, 16, 104",
    "n1-highcpu-2, 2, 1.8",
    "n1-highcpu-96, 96, 86.4",
    "n2-standard-128, 128, 512",
    "n2-highcpu-8, 8, 8",
    "n2d-standard-224, 224, 896",
    "n4-highcpu-80, 80, 160",
    "c2-standard-60, 60, 240",
    "c2d-highcpu-2, 2, 4",
    "c2d-highmem-112, 112, 896",
    "c3-standard-176, 176, 704",
    "c3-highcpu-4, 4, 8",
    "c3-highmem-176, 176, 1408",
    "c3-standard-4-lssd, 4, 16",
    "c3-standard-192-metal, 192, 768",
    "c3-highcpu-192-metal, 192, 512",
    "c3-highmem-192-metal, 192, 1536",
    "c3d-standard-360, 360, 1440",
    "c4-standard-288-metal, 288, 1080",
    "c4d-highmem-384, 384, 3024",
    "t2d-standard-60, 60, 240",
    "g2-standard-4, 4, 16",
    "g2-standard-8, 8, 32",
    "g2-standard-96, 96, 384",
    "h3-standard-88, 88, 352",
    "z3-highmem-176, 176, 1408",
    "a2-highgpu-1g, 12, 85",
    "a2-highgpu-8g, 96, 680",
    "a2-megagpu-16g, 96, 1360",
    "a2-ultragpu-4g, 48, 680",
    "a3-highgpu-8g, 208, 1872",
    "n2-custom-8-32768, 8, 32",
    "n1-custom-6-9984, 6, 9.75",
    "n2-custom-2-32768-ext, 2, 32",
  })
  void sizeIsGcesDocumentedFigure(String machineType, int vcpus, BigDecimal memoryGb) {
    MachineSize size = MachineSizes.of(machineType).orElseThrow();

    assertThat(size.vcpus()).isEqualTo(vcpus);
    assertThat(size.memoryGb()).isEqualByComparingTo(memoryGb);
  }

  /** Where GCE gives a type less than its family's ratio, the count errs on the refusing side. */
  @ParameterizedTest(name = "{0}: {1} vCPUs, at least {2} GB")
  @CsvSource({
    "n2-highmem-128, 128, 864",
    "c3d-highcpu-30, 30, 59",
    "c4-standard-2, 2, 7",
    "c4-highmem-2, 2, 15",
    "c4d-highcpu-2, 2, 3",
  })
  void memoryIsNeverCountedBelowGcesFigure(String machineType, int vcpus, BigDecimal memoryGb) {
    MachineSize size = MachineSizes.of(machineType).orElseThrow();

    assertThat(size.vcpus()).isEqualTo(vcpus);
    assertThat(size.memoryGb()).isGreaterThanOrEqualTo(memoryGb);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "m1-ultramem-40",
        "m2-megamem-416",
        "x4-megamem-960-metal",
        "a3-megagpu-8g",
        "g4-standard-48",
        "c2-highmem-8",
        "n1-standard-8g",
        "e2-custom-small-2048",
        "n2-custom-4-5000",
        "banana"
      })
  void aTypeTheTableDoesNotCoverHasNoSize(String machineType) {
    assertThat(MachineSizes.of(machineType)).isEmpty();
  }

  @Test
  void memoryIsCountedInWholeThousandthsOfAGb() {
    assertThat(MachineSizes.of("f1-micro").orElseThrow().memoryMilliGb()).isEqualTo(600);
    assertThat(MachineSizes.of("c4d-highcpu-2").orElseThrow().memoryMilliGb()).isEqualTo(3750);
    assertThat(MachineSizes.of("n1-custom-6-9984").orElseThrow().memoryMilliGb()).isEqualTo(9750);
    assertThat(MachineSizes.milli("3.875")).isEqualTo(3875);
    assertThat(MachineSizes.milli("0.6")).isEqualTo(600);
    assertThat(MachineSizes.milli("85")).isEqualTo(85_000);
  }

  @Test
  void memoryOverTheBoundIsNamedInGbWithItsDecimals() {
    assertThat(MachineBounds.problem("g1-small", List.of(), 8, 1))
        .contains("1.7 GB of memory is over autorunner.policy.max-memory-gb=1");
    assertThat(MachineBounds.problem("n1-custom-6-9984", List.of(), 8, 9))
        .contains("9.75 GB of memory is over autorunner.policy.max-memory-gb=9");
    assertThat(MachineBounds.problem("n1-custom-6-9984", List.of(), 8, 10)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0625", "", ".5", "1.", "1,5", "-1", "1e3"})
  void aFigureOfTheTableHasAtMostThreeDecimals(String gb) {
    assertThatIllegalArgumentException().isThrownBy(() -> MachineSizes.milli(gb));
  }

  @Test
  void bareMetalIsToldByItsSuffix() {
    assertThat(MachineSizes.isMetal("c3-standard-192-metal")).isTrue();
    assertThat(MachineSizes.isMetal("c4-highmem-288-metal")).isTrue();
    assertThat(MachineSizes.isMetal("c3-standard-176")).isFalse();
    assertThat(MachineSizes.isMetal("c3-standard-4-lssd")).isFalse();
  }
}
