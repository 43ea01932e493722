package io.autorunner.handler.vm.gce;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.handler.vm.gce.GceFailure.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

class GceFailureTest {

  private static Verdict verdict(int status, String code, String text) {
    return new GceFailure(status, code == null ? List.of() : List.of(code), text, null).verdict();
  }

  @Test
  void stockOutCodesAreCapacityWhateverTheStatus() {
    assertThat(verdict(503, "ZONE_RESOURCE_POOL_EXHAUSTED", "x")).isEqualTo(Verdict.NO_CAPACITY);
    assertThat(verdict(400, "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", "x"))
        .isEqualTo(Verdict.NO_CAPACITY);
  }

  @Test
  void quotaOfZeroIsToldFromQuotaUsedUp() {
    assertThat(verdict(403, "QUOTA_EXCEEDED", "Quota 'GPUS_ALL_REGIONS' exceeded. Limit: 0.0"))
        .isEqualTo(Verdict.QUOTA_ZERO);
    assertThat(verdict(403, "quotaExceeded", "Quota 'CPUS' exceeded.  Limit: 0 in region x."))
        .isEqualTo(Verdict.QUOTA_ZERO);
    assertThat(verdict(403, "QUOTA_EXCEEDED", "Quota 'CPUS' exceeded.  Limit: 10.0 in region x."))
        .isEqualTo(Verdict.QUOTA);
    assertThat(verdict(403, "QUOTA_EXCEEDED", "Quota 'CPUS' exceeded.  Limit: 0.5 in region x."))
        .isEqualTo(Verdict.QUOTA);
  }

  @Test
  void statusDecidesWhenNothingMoreSpecificIsSaid() {
    assertThat(verdict(409, null, "Aborted")).isEqualTo(Verdict.ALREADY_EXISTS);
    assertThat(verdict(404, null, "not found")).isEqualTo(Verdict.NOT_FOUND);
    assertThat(verdict(429, null, "slow down")).isEqualTo(Verdict.TRANSIENT);
    assertThat(verdict(500, null, "oops")).isEqualTo(Verdict.TRANSIENT);
    assertThat(verdict(403, "forbidden", "no permission")).isEqualTo(Verdict.PERMANENT);
    assertThat(verdict(400, "invalid", "bad image")).isEqualTo(Verdict.PERMANENT);
  }

  @Test
  void machineOrAcceleratorTypeMissingInTheZoneIsNotOffered() {
    assertThat(
            verdict(
                400,
                "invalid",
                "Invalid value for field 'resource.machineType': 'zones/z/machineTypes/g2-standard-4'"))
        .isEqualTo(Verdict.NOT_OFFERED);
    assertThat(verdict(400, "invalid", "Machine type 'g2-standard-4' does not exist in zone 'z'"))
        .isEqualTo(Verdict.NOT_OFFERED);
    assertThat(verdict(404, "RESOURCE_NOT_FOUND", "'zones/z/acceleratorTypes/nvidia-l4' not found"))
        .isEqualTo(Verdict.NOT_OFFERED);
  }

  @Test
  void echoedLongValuesAreRedacted() {
    String jit = "eyJ" + "A".repeat(300);
    GceFailure f =
        new GceFailure(
            400,
            List.of(),
            "Invalid value for field 'resource.metadata.items[0].value': '#!/bin/bash " + jit + "'",
            null);

    assertThat(f.summary()).doesNotContain(jit).contains("<redacted>");
  }
}
