package io.autorunner.handler.vm.gce;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.ledger.datastore.DatastoreCapacityNotes;
import io.autorunner.handler.ledger.datastore.DatastoreClients;
import io.autorunner.handler.ledger.datastore.DatastoreLocation;
import io.autorunner.handler.system.ComputeConfiguration;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.Requests;
import io.autorunner.testkit.datastore.FakeDatastore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The GPU seeker against a fake Compute Engine on loopback: a job's GPUs in order of preference
 * across zones of several regions, then standard, then Flex-start; stock-outs remembered.
 */
class GpuSeekerTest {

  private static final String PROJECT = "/compute/v1/projects/my-project";
  private static final List<String> ZONES = List.of("us-central1-a", "europe-west4-b");
  private static final String STOCK_OUT = "The zone does not have enough resources available.";

  @RegisterExtension
  static WireMockExtension compute =
      WireMockExtension.newInstance().options(options().dynamicPort()).build();

  private ComputeEngineMachines machines;

  @AfterEach
  void close() {
    if (machines != null) {
      machines.close();
    }
  }

  private ComputeEngineMachines machines(boolean spotFallback, boolean flexStart) {
    return machines(spotFallback, flexStart, CapacityNotes.none());
  }

  private ComputeEngineMachines machines(
      boolean spotFallback, boolean flexStart, CapacityNotes notes) {
    return machines(spotFallback, flexStart, notes, ZONES, false);
  }

  private ComputeEngineMachines machines(
      boolean spotFallback,
      boolean flexStart,
      CapacityNotes notes,
      List<String> zones,
      boolean bulk) {
    GceProperties gce =
        gce(
            zones,
            compute.baseUrl(),
            "regions/{region}/subnetworks/autorunner-runners",
            spotFallback,
            Duration.ofMinutes(10),
            flexStart,
            Duration.ofMinutes(10));
    try {
      machines =
          new ComputeEngineMachines(
              gce,
              new InstanceFactory(gce, Requests.policy(Map.of())),
              ComputeConfiguration.instancesClient(gce),
              ComputeConfiguration.operationsClient(gce),
              Duration.ofSeconds(20),
              Clock.systemUTC(),
              notes,
              bulk
                  ? Optional.of(
                      new RegionalInsert(
                          ComputeConfiguration.regionInstancesClient(gce),
                          ComputeConfiguration.regionsClient(gce)))
                  : Optional.empty());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return machines;
  }

  private static RunnerSpec spec(String... labels) {
    LabelDecision decision =
        new LabelPolicy(Requests.policy(Map.of()))
            .resolve(
                java.util.stream.Stream.concat(
                        java.util.stream.Stream.of("self-hosted", "gce"),
                        java.util.stream.Stream.of(labels))
                    .toList());
    return ((LabelDecision.Accepted) decision).spec();
  }

  @Test
  void aJobsGpusAreTriedInItsOrderAcrossZonesOfSeveralRegions() {
    noInstances();
    inserts("us-central1-a", "g2-standard-4", "SPOT", false);
    inserts("europe-west4-b", "g2-standard-4", "SPOT", false);
    inserts("us-central1-a", "n1-standard-4", "SPOT", true);

    CreatedMachine created =
        machines(false, false).create(Requests.request(spec("gpu=nvidia-l4.nvidia-tesla-t4")));

    assertThat(created.zone()).isEqualTo("us-central1-a");
    assertThat(created.spot()).isTrue();
    assertThat(created.placedAs())
        .isEqualTo("n1-standard-4 with 1x nvidia-tesla-t4 Spot in us-central1-a");
    assertThat(created.made().accelerator().type()).isEqualTo("nvidia-tesla-t4");
    assertThat(created.made().machineType()).isEqualTo("n1-standard-4");
    compute.verify(
        postRequestedFor(urlPathEqualTo(PROJECT + "/zones/europe-west4-b/instances"))
            .withRequestBody(
                matchingJsonPath(
                    "$.networkInterfaces[0].subnetwork",
                    equalTo("regions/europe-west4/subnetworks/autorunner-runners"))));
    compute.verify(
        postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .withRequestBody(
                matchingJsonPath(
                    "$.guestAccelerators[0].acceleratorType",
                    equalTo("zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4"))));
  }

  private static final List<String> TWO_REGIONS =
      List.of("us-central1-a", "us-central1-b", "europe-west4-b");

  @Test
  void aRegionsOpenZonesAreAskedOfAtOnceAndGceSaysWhereTheVmLanded() {
    noInstances();
    regionHasZones("us-central1", "us-central1-a", "us-central1-b", "us-central1-c");
    bulkInserts("us-central1", "us-central1-b");

    CreatedMachine created =
        machines(false, false, CapacityNotes.none(), TWO_REGIONS, true)
            .create(Requests.request(spec("gpu")));

    assertThat(created.zone()).isEqualTo("us-central1-b");
    assertThat(created.alreadyExisted()).isFalse();
    String bulk = PROJECT + "/regions/us-central1/instances/bulkInsert";
    compute.verify(
        postRequestedFor(urlPathEqualTo(bulk))
            .withRequestBody(matchingJsonPath("$.count", equalTo("1")))
            .withRequestBody(
                matchingJsonPath(
                    "$.perInstanceProperties['ghr-4242-1'].name", equalTo("ghr-4242-1")))
            .withRequestBody(
                matchingJsonPath("$.instanceProperties.machineType", equalTo("n1-standard-4")))
            .withRequestBody(
                matchingJsonPath(
                    "$.instanceProperties.guestAccelerators[0].acceleratorType",
                    equalTo("nvidia-tesla-t4")))
            .withRequestBody(
                matchingJsonPath(
                    "$.instanceProperties.networkInterfaces[0].subnetwork",
                    equalTo("regions/us-central1/subnetworks/autorunner-runners")))
            .withRequestBody(
                matchingJsonPath(
                    "$.locationPolicy.locations['zones/us-central1-a'].preference",
                    equalTo("ALLOW")))
            .withRequestBody(
                matchingJsonPath(
                    "$.locationPolicy.locations['zones/us-central1-b'].preference",
                    equalTo("ALLOW")))
            .withRequestBody(
                matchingJsonPath(
                    "$.locationPolicy.locations['zones/us-central1-c'].preference",
                    equalTo("DENY"))));
    compute.verify(0, postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances")));
  }

  @Test
  void aRegionOutOfCapacityIsRememberedZoneByZoneAndTheNextRegionIsTried() {
    noInstances();
    regionHasZones("us-central1", "us-central1-a", "us-central1-b");
    bulkStocksOut("us-central1");
    inserts("europe-west4-b", "g2-standard-4", "SPOT", true);
    ComputeEngineMachines seeker = machines(false, false, CapacityNotes.none(), TWO_REGIONS, true);

    CreatedMachine created = seeker.create(Requests.request("ghr-1-1", spec("gpu=nvidia-l4")));
    CreatedMachine next = seeker.create(Requests.request("ghr-2-1", spec("gpu=nvidia-l4")));

    assertThat(created.zone()).isEqualTo("europe-west4-b");
    assertThat(next.zone()).isEqualTo("europe-west4-b");
    compute.verify(
        1, postRequestedFor(urlPathEqualTo(PROJECT + "/regions/us-central1/instances/bulkInsert")));
    compute.verify(0, postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances")));
  }

  @Test
  void aBulkRequestGceRefusesFallsBackToTheZonesOneByOne() {
    noInstances();
    regionHasZones("us-central1", "us-central1-a", "us-central1-b");
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/regions/us-central1/instances/bulkInsert"))
            .willReturn(
                com.github.tomakehurst.wiremock.client.WireMock.aResponse()
                    .withStatus(400)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\": {\"code\": 400, \"message\": \"Invalid value for field"
                            + " 'resource.instanceProperties'\", \"errors\": [{\"reason\":"
                            + " \"invalid\", \"message\": \"Invalid value\"}]}}")));
    inserts("us-central1-a", "g2-standard-4", "SPOT", true);

    CreatedMachine created =
        machines(false, false, CapacityNotes.none(), TWO_REGIONS, true)
            .create(Requests.request(spec("gpu=nvidia-l4")));

    assertThat(created.zone()).isEqualTo("us-central1-a");
    compute.verify(1, insertOf("us-central1-a", "g2-standard-4", "SPOT"));
  }

  @Test
  void aRegionWhoseZonesCannotBeReadIsWalkedZoneByZone() {
    // No regions.get answer (as without compute.regions.get): the zonal walk, as before.
    noInstances();
    inserts("us-central1-a", "g2-standard-4", "SPOT", true);

    CreatedMachine created =
        machines(false, false, CapacityNotes.none(), TWO_REGIONS, true)
            .create(Requests.request(spec("gpu=nvidia-l4")));

    assertThat(created.zone()).isEqualTo("us-central1-a");
    compute.verify(
        0, postRequestedFor(urlPathEqualTo(PROJECT + "/regions/us-central1/instances/bulkInsert")));
  }

  private static void regionHasZones(String region, String... zones) {
    StringBuilder urls = new StringBuilder();
    for (String zone : zones) {
      urls.append(urls.length() == 0 ? "" : ", ")
          .append("\"https://www.googleapis.com/compute/v1/projects/my-project/zones/")
          .append(zone)
          .append('"');
    }
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/regions/" + region))
            .willReturn(
                okJson(
                    "{\"kind\": \"compute#region\", \"name\": \""
                        + region
                        + "\", \"zones\": ["
                        + urls
                        + "]}")));
  }

  /** A bulk insert in {@code region} that makes its VM in {@code zone}. */
  private static void bulkInserts(String region, String zone) {
    bulkEnds(
        region,
        ", \"instancesBulkInsertOperationMetadata\": {\"perLocationStatus\": {\"zones/"
            + zone
            + "\": {\"createdVmCount\": 1, \"targetVmCount\": 1, \"status\": \"DONE\"}}}");
  }

  private static void bulkStocksOut(String region) {
    bulkEnds(
        region,
        ", \"httpErrorStatusCode\": 503, \"httpErrorMessage\": \"ERROR\", \"error\": {\"errors\":"
            + " [{\"code\": \"ZONE_RESOURCE_POOL_EXHAUSTED\", \"message\": \""
            + STOCK_OUT
            + "\"}]}");
  }

  /** A bulk insert in {@code region} whose operation is DONE with {@code done}'s fields. */
  private static void bulkEnds(String region, String done) {
    String op = "op-bulk-" + region;
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/regions/" + region + "/instances/bulkInsert"))
            .willReturn(okJson(regionOperation(region, op, "RUNNING", ""))));
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/regions/" + region + "/operations/" + op))
            .willReturn(okJson(regionOperation(region, op, "DONE", done))));
  }

  private static String regionOperation(String region, String name, String status, String more) {
    String regionUrl =
        "https://www.googleapis.com/compute/v1/projects/my-project/regions/" + region;
    return ("{\"kind\": \"compute#operation\", \"id\": \"99\", \"name\": \"%s\","
            + " \"region\": \"%s\", \"operationType\": \"bulkInsert\", \"status\": \"%s\","
            + " \"progress\": 0, \"targetLink\": \"%s\", \"selfLink\": \"%s/operations/%s\"%s}")
        .formatted(name, regionUrl, status, regionUrl, regionUrl, name, more);
  }

  @Test
  void aStockOutIsRememberedSoTheNextJobSkipsThatZone() {
    noInstances();
    inserts("us-central1-a", "g2-standard-4", "SPOT", false);
    inserts("europe-west4-b", "g2-standard-4", "SPOT", true);
    ComputeEngineMachines seeker = machines(false, false);

    seeker.create(Requests.request("ghr-1-1", spec("gpu=nvidia-l4")));
    CreatedMachine second = seeker.create(Requests.request("ghr-2-1", spec("gpu=nvidia-l4")));

    assertThat(second.zone()).isEqualTo("europe-west4-b");
    compute.verify(1, insertOf("us-central1-a", "g2-standard-4", "SPOT"));
    compute.verify(2, insertOf("europe-west4-b", "g2-standard-4", "SPOT"));
  }

  @Test
  void aStockOutOneHandlerInstanceMetIsSkippedByAnother() {
    noInstances();
    inserts("us-central1-a", "g2-standard-4", "SPOT", false);
    inserts("europe-west4-b", "g2-standard-4", "SPOT", true);
    try (FakeDatastore store = new FakeDatastore()) {
      DatastoreLocation shared =
          new DatastoreLocation("my-project", "autorunner", "", store.baseUrl().toString());
      ComputeEngineMachines first =
          machines(
              false,
              false,
              new DatastoreCapacityNotes(
                  DatastoreClients.connect(shared, DatastoreCapacityNotes.RETRIES)));
      first.create(Requests.request("ghr-1-1", spec("gpu=nvidia-l4")));
      ComputeEngineMachines second =
          machines(
              false,
              false,
              new DatastoreCapacityNotes(
                  DatastoreClients.connect(shared, DatastoreCapacityNotes.RETRIES)));

      CreatedMachine other = second.create(Requests.request("ghr-2-1", spec("gpu=nvidia-l4")));

      assertThat(other.zone()).isEqualTo("europe-west4-b");
      compute.verify(1, insertOf("us-central1-a", "g2-standard-4", "SPOT"));
      compute.verify(2, insertOf("europe-west4-b", "g2-standard-4", "SPOT"));
      first.close();
    }
  }

  @Test
  void everyZoneRememberedOutIsACapacityFailureWithoutAnInsert() {
    noInstances();
    inserts("us-central1-a", "g2-standard-4", "SPOT", false);
    inserts("europe-west4-b", "g2-standard-4", "SPOT", false);
    ComputeEngineMachines seeker = machines(false, false);
    assertThatThrownBy(() -> seeker.create(Requests.request("ghr-1-1", spec("gpu=nvidia-l4"))))
        .isInstanceOf(ComputeException.Capacity.class);

    assertThatThrownBy(() -> seeker.create(Requests.request("ghr-2-1", spec("gpu=nvidia-l4"))))
        .isInstanceOf(ComputeException.Capacity.class)
        .hasMessageContaining("skipped, out of capacity until");
    compute.verify(1, insertOf("us-central1-a", "g2-standard-4", "SPOT"));
  }

  @Test
  void afterSpotAndStandardFlexStartIsAskedForWithABoundedWait() {
    noInstances();
    for (String zone : ZONES) {
      inserts(zone, "g2-standard-4", "SPOT", false);
      inserts(zone, "g2-standard-4", "STANDARD", false);
    }
    inserts("europe-west4-b", "g2-standard-4", "FLEX_START", true);
    inserts("us-central1-a", "g2-standard-4", "FLEX_START", false);

    CreatedMachine created = machines(true, true).create(Requests.request(spec("gpu=nvidia-l4")));

    assertThat(created.zone()).isEqualTo("europe-west4-b");
    assertThat(created.spot()).isFalse();
    assertThat(created.placedAs()).contains("Flex-start in europe-west4-b");
    compute.verify(
        insertOf("europe-west4-b", "g2-standard-4", "FLEX_START")
            .withRequestBody(
                matchingJsonPath("$.params.requestValidForDuration.seconds", equalTo("600")))
            .withRequestBody(
                matchingJsonPath(
                    "$.reservationAffinity.consumeReservationType", equalTo("NO_RESERVATION")))
            .withRequestBody(
                matchingJsonPath("$.scheduling.instanceTerminationAction", equalTo("DELETE")))
            .withRequestBody(
                matchingJsonPath("$.labels.autorunner-provisioning", equalTo("flex-start")))
            .withRequestBody(matchingJsonPath("$.labels.autorunner-spot", equalTo("false"))));
  }

  @Test
  void aFlexStartWaitLongerThanTheInsertIsWaitedForIsRefusedAtStart() {
    assertThatThrownBy(
            () -> gce(ZONES, null, null, false, Duration.ofMinutes(3), true, Duration.ofMinutes(5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flex-start-wait (PT5M) must not exceed")
        .hasMessageContaining("operation-timeout (PT3M)");
  }

  @Test
  void zonesOutsideAFixedSubnetworksRegionAreRefusedAtStart() {
    assertThatThrownBy(() -> gce(ZONES, "regions/us-central1/subnetworks/autorunner-runners"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("zones in [europe-west4]")
        .hasMessageContaining("{region}");
    assertThatThrownBy(() -> gce(ZONES, "autorunner-runners"))
        .hasMessageContaining("zones in [europe-west4, us-central1]");
    assertThat(gce(List.of("us-central1-a", "us-central1-b"), "regions/us-central1/subnetworks/r"))
        .isNotNull();
    assertThat(gce(ZONES, "regions/{region}/subnetworks/autorunner-runners")).isNotNull();
  }

  private static GceProperties gce(List<String> zones, String subnetwork) {
    return gce(zones, null, subnetwork, false, Duration.ofMinutes(3), false, Duration.ofMinutes(3));
  }

  private static GceProperties gce(
      List<String> zones,
      String endpoint,
      String subnetwork,
      boolean spotFallback,
      Duration operationTimeout,
      boolean flexStart,
      Duration flexStartWait) {
    return new GceProperties(
        "my-project",
        zones,
        endpoint,
        "global/networks/autorunner-runners",
        subnetwork,
        false,
        null,
        "projects/debian-cloud/global/images/family/debian-12",
        "projects/deeplearning-platform-release/global/images/family/common-cu128",
        "projects/windows-cloud/global/images/family/windows-2022",
        "pd-balanced",
        Duration.ofHours(6),
        spotFallback,
        operationTimeout,
        Duration.ofMinutes(5),
        flexStart,
        flexStartWait,
        true);
  }

  @Test
  void aT4IsNeverAskedForWithFlexStart() {
    noInstances();
    for (String zone : ZONES) {
      inserts(zone, "n1-standard-4", "SPOT", false);
    }

    assertThatThrownBy(() -> machines(false, true).create(Requests.request(spec("gpu"))))
        .isInstanceOf(ComputeException.Capacity.class);
    compute.verify(
        0,
        postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .withRequestBody(
                matchingJsonPath("$.scheduling.provisioningModel", equalTo("FLEX_START"))));
  }

  private static RequestPatternBuilder insertOf(String zone, String machine, String model) {
    return postRequestedFor(urlPathEqualTo(PROJECT + "/zones/" + zone + "/instances"))
        .withRequestBody(matchingJsonPath("$.machineType", containing(machine)))
        .withRequestBody(matchingJsonPath("$.scheduling.provisioningModel", equalTo(model)));
  }

  private static void noInstances() {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .willReturn(okJson("{\"kind\": \"compute#instanceAggregatedList\", \"items\": {}}")));
  }

  /** An insert of this machine with this provisioning in this zone that works, or stocks out. */
  private static void inserts(String zone, String machine, String model, boolean works) {
    String op = "op-" + zone + "-" + machine + "-" + model;
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/" + zone + "/instances"))
            .withRequestBody(matchingJsonPath("$.machineType", containing(machine)))
            .withRequestBody(matchingJsonPath("$.scheduling.provisioningModel", equalTo(model)))
            .willReturn(okJson(operation(zone, op, "RUNNING"))));
    String answer =
        works
            ? operation(zone, op, "DONE")
            : GceOperationJson.failed(
                zone, op, "x", 503, "ZONE_RESOURCE_POOL_EXHAUSTED", STOCK_OUT);
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/zones/" + zone + "/operations/" + op))
            .willReturn(okJson(answer)));
  }

  private static String operation(String zone, String name, String status) {
    return GceOperationJson.operation(zone, name, status, "x");
  }
}
