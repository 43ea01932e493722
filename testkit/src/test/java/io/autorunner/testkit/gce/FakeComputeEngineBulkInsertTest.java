package io.autorunner.testkit.gce;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.compute.v1.AcceleratorConfig;
import com.google.cloud.compute.v1.BulkInsertInstanceResource;
import com.google.cloud.compute.v1.BulkInsertInstanceResourcePerInstanceProperties;
import com.google.cloud.compute.v1.InstanceProperties;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.LocationPolicy;
import com.google.cloud.compute.v1.LocationPolicyLocation;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RegionInstancesClient;
import com.google.cloud.compute.v1.RegionInstancesSettings;
import com.google.cloud.compute.v1.RegionsClient;
import com.google.cloud.compute.v1.RegionsSettings;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The fake's regional bulk insert and regions.get, through Google's own regional clients. */
class FakeComputeEngineBulkInsertTest {

  private static final String PROJECT = "proj";
  private static final String REGION = "us-central1";

  private FakeComputeEngine gce;
  private RegionInstancesClient regional;
  private InstancesClient zonal;

  @BeforeEach
  void start() throws Exception {
    gce = new FakeComputeEngine();
    gce.setOperationDelay(Duration.ofMillis(50));
    regional =
        RegionInstancesClient.create(
            RegionInstancesSettings.newBuilder()
                .setEndpoint(gce.baseUrl().toString())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
    zonal =
        InstancesClient.create(
            InstancesSettings.newBuilder()
                .setEndpoint(gce.baseUrl().toString())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
  }

  @AfterEach
  void stop() {
    regional.close();
    zonal.close();
    gce.close();
  }

  private static BulkInsertInstanceResource oneGpuVm(String name, String... allowed) {
    LocationPolicy.Builder policy = LocationPolicy.newBuilder();
    for (String zone : allowed) {
      policy.putLocations(
          "zones/" + zone,
          LocationPolicyLocation.newBuilder()
              .setPreference(LocationPolicyLocation.Preference.ALLOW.name())
              .build());
    }
    policy.putLocations(
        "zones/us-central1-f",
        LocationPolicyLocation.newBuilder()
            .setPreference(LocationPolicyLocation.Preference.DENY.name())
            .build());
    return BulkInsertInstanceResource.newBuilder()
        .setCount(1)
        .setMinCount(1)
        .putPerInstanceProperties(
            name,
            BulkInsertInstanceResourcePerInstanceProperties.newBuilder().setName(name).build())
        .setInstanceProperties(
            InstanceProperties.newBuilder()
                .setMachineType("n1-standard-4")
                .addGuestAccelerators(
                    AcceleratorConfig.newBuilder()
                        .setAcceleratorType("nvidia-tesla-t4")
                        .setAcceleratorCount(1))
                .putLabels("managed-by", "autorunner"))
        .setLocationPolicy(policy)
        .build();
  }

  @Test
  void theVmLandsInTheFirstAllowedZoneWithCapacityAndTheOperationSaysWhich() throws Exception {
    gce.exhaustGpuCapacity("us-central1-a");

    Operation done =
        regional
            .bulkInsertAsync(PROJECT, REGION, oneGpuVm("ghr-7-1", "us-central1-a", "us-central1-b"))
            .get(10, TimeUnit.SECONDS);

    assertThat(done.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(done.getInstancesBulkInsertOperationMetadata().getPerLocationStatusMap())
        .containsOnlyKeys("zones/us-central1-b");
    var vm = zonal.get(PROJECT, "us-central1-b", "ghr-7-1");
    assertThat(vm.getMachineType()).endsWith("zones/us-central1-b/machineTypes/n1-standard-4");
    assertThat(vm.getGuestAccelerators(0).getAcceleratorType())
        .endsWith("zones/us-central1-b/acceleratorTypes/nvidia-tesla-t4");
  }

  @Test
  void withEveryAllowedZoneOutTheOperationFailsWithTheStockOut() {
    gce.exhaustGpuCapacity("us-central1-a");
    gce.exhaustGpuCapacity("us-central1-b");

    var future =
        regional.bulkInsertAsync(
            PROJECT, REGION, oneGpuVm("ghr-8-1", "us-central1-a", "us-central1-b"));

    try {
      future.get(10, TimeUnit.SECONDS);
      throw new AssertionError("the bulk insert should have failed");
    } catch (ExecutionException | InterruptedException | java.util.concurrent.TimeoutException e) {
      assertThat(e).isInstanceOf(ExecutionException.class);
    }
    assertThat(gce.instances()).isEmpty();
  }

  @Test
  void aRegionNamesItsZones() throws Exception {
    try (RegionsClient regions =
        RegionsClient.create(
            RegionsSettings.newBuilder()
                .setEndpoint(gce.baseUrl().toString())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      assertThat(regions.get(PROJECT, REGION).getZonesList())
          .hasSize(4)
          .allMatch(zone -> zone.contains("/zones/us-central1-"));
    }
  }
}
