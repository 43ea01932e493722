package io.autorunner.handler.vm.gce;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.Metadata;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading GCE instances, without any client. */
class InstanceReaderTest {

  private static final Instant LISTED = Instant.parse("2026-03-04T05:06:07Z");
  private static final String ZONE_URL =
      "https://www.googleapis.com/compute/v1/projects/my-project/zones/us-central1-b";

  private final InstanceReader reader = new InstanceReader();

  private static Instance.Builder instance() {
    return Instance.newBuilder()
        .setName("ghr-4242-1")
        .setZone(ZONE_URL)
        .setStatus("STOPPING")
        .setCreationTimestamp("2025-01-02T02:00:00.000-08:00")
        .putLabels("managed-by", "autorunner");
  }

  @Test
  void readsNameZoneStatusLabelsAndGcesCreationStamp() {
    Machine vm = reader.machine(instance().build(), LISTED);

    assertThat(vm.name()).isEqualTo("ghr-4242-1");
    assertThat(vm.zone()).isEqualTo("us-central1-b");
    assertThat(vm.status()).isEqualTo(InstanceStatus.STOPPING);
    assertThat(vm.stopped()).isTrue();
    assertThat(vm.labels()).containsEntry("managed-by", "autorunner");
    assertThat(vm.created()).isEqualTo(Instant.parse("2025-01-02T10:00:00Z"));
  }

  @Test
  void aMissingCreationStampReadsAsTheListingTimeSoTheVmIsYoung() {
    Machine vm = reader.machine(instance().clearCreationTimestamp().build(), LISTED);

    assertThat(vm.created()).isEqualTo(LISTED);
  }

  @Test
  void anUnreadableCreationStampReadsAsTheListingTimeEveryTime() {
    Instance garbled = instance().setCreationTimestamp("yesterday").build();

    assertThat(reader.machine(garbled, LISTED).created()).isEqualTo(LISTED);
    assertThat(reader.machine(garbled, LISTED.plusSeconds(60)).created())
        .isEqualTo(LISTED.plusSeconds(60));
  }

  @Test
  void anUnknownStatusIsOtherAndNotStopped() {
    Machine vm = reader.machine(instance().setStatus("SOMETHING_NEW").build(), LISTED);

    assertThat(vm.status()).isEqualTo(InstanceStatus.OTHER);
    assertThat(vm.stopped()).isFalse();
  }

  @Test
  void readsTheInstanceIdUnsignedTheLabelFingerprintAndTheRunnerLabels() {
    Instance vm =
        instance()
            // GCE's ids are unsigned 64-bit: this one does not fit a signed long.
            .setId(-2L)
            .setLabelFingerprint("42WmSpB8rSM=")
            .setMetadata(
                Metadata.newBuilder()
                    .addItems(item("startup-script", "#!/bin/bash"))
                    .addItems(item("autorunner-runner-labels", "self-hosted,gce,gpu"))
                    .addItems(item("autorunner-runner-config-url", "https://h.example/vm/x")))
            .build();

    Machine read = reader.machine(vm, LISTED);

    assertThat(read.instanceId()).isEqualTo("18446744073709551614");
    assertThat(read.labelFingerprint()).isEqualTo("42WmSpB8rSM=");
    assertThat(read.runnerLabels()).containsExactly("self-hosted", "gce", "gpu");
  }

  @Test
  void aVmWithoutIdOrRunnerLabelsReadsAsUnknownNotAsSomeoneElses() {
    Machine read = reader.machine(instance().build(), LISTED);

    assertThat(read.instanceId()).isEmpty();
    assertThat(read.labelFingerprint()).isEmpty();
    assertThat(read.runnerLabels()).isEmpty();
  }

  @Test
  void aVmWithoutJobMetadataHasNoJob() {
    Instance byHand =
        instance()
            .setMetadata(
                Metadata.newBuilder()
                    .addItems(Items.newBuilder().setKey("startup-script").setValue("SECRET")))
            .build();

    assertThat(InstanceReader.jobOf(byHand)).isEmpty();
    assertThat(reader.machine(byHand, LISTED).job()).isEmpty();
  }

  private static Items item(String key, String value) {
    return Items.newBuilder().setKey(key).setValue(value).build();
  }
}
