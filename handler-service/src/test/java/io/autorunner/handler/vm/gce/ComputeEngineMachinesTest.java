package io.autorunner.handler.vm.gce;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.autorunner.handler.vm.Requests.cpuSpec;
import static io.autorunner.handler.vm.Requests.gce;
import static io.autorunner.handler.vm.Requests.policy;
import static io.autorunner.handler.vm.Requests.request;
import static io.autorunner.handler.vm.Requests.spotOnlyPolicy;
import static io.autorunner.handler.vm.Requests.t4Spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.autorunner.common.policy.OperatingSystem;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.system.ComputeConfiguration;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The GCE adapter against a fake Compute Engine speaking the v1 REST wire format on loopback. */
class ComputeEngineMachinesTest {

  private static final String PROJECT = "/compute/v1/projects/my-project";
  private static final String NAME = "ghr-4242-1";

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

  private ComputeEngineMachines machines(List<String> zones, boolean spotFallback)
      throws Exception {
    return machines(zones, spotFallback, policy(Map.of()));
  }

  private ComputeEngineMachines machines(
      List<String> zones, boolean spotFallback, PolicyProperties policy) throws Exception {
    GceProperties gce = gce(zones, spotFallback, compute.baseUrl(), true, null);
    machines =
        new ComputeEngineMachines(
            gce,
            new InstanceFactory(gce, policy),
            ComputeConfiguration.instancesClient(gce),
            ComputeConfiguration.operationsClient(gce),
            Duration.ofSeconds(20));
    return machines;
  }

  @Test
  void createsInFirstZoneSendingTheFactorysInstance() throws Exception {
    noInstances();
    insertSucceeds("us-central1-a");

    CreatedMachine created =
        machines(List.of("us-central1-a", "us-central1-b"), false).create(request(t4Spec()));

    assertThat(created).isEqualTo(new CreatedMachine(NAME, "us-central1-a", true, false));
    compute.verify(
        postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .withRequestBody(matchingJsonPath("$.name", equalTo(NAME)))
            .withRequestBody(
                matchingJsonPath(
                    "$.machineType", equalTo("zones/us-central1-a/machineTypes/n1-standard-4")))
            .withRequestBody(
                matchingJsonPath(
                    "$.guestAccelerators[0].acceleratorType",
                    equalTo("zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4")))
            .withRequestBody(
                matchingJsonPath("$.guestAccelerators[0].acceleratorCount", equalTo("1")))
            .withRequestBody(matchingJsonPath("$.scheduling.provisioningModel", equalTo("SPOT")))
            .withRequestBody(
                matchingJsonPath("$.scheduling.instanceTerminationAction", equalTo("DELETE")))
            .withRequestBody(
                matchingJsonPath("$.scheduling.maxRunDuration.seconds", equalTo("21600")))
            .withRequestBody(
                matchingJsonPath("$.scheduling.onHostMaintenance", equalTo("TERMINATE")))
            .withRequestBody(matchingJsonPath("$.scheduling.automaticRestart", equalTo("false")))
            .withRequestBody(matchingJsonPath("$.disks[0].boot", equalTo("true")))
            .withRequestBody(matchingJsonPath("$.disks[0].autoDelete", equalTo("true")))
            .withRequestBody(
                matchingJsonPath("$.disks[0].initializeParams.diskSizeGb", equalTo("100")))
            .withRequestBody(
                matchingJsonPath(
                    "$.networkInterfaces[0].accessConfigs[0].type", equalTo("ONE_TO_ONE_NAT")))
            .withRequestBody(matchingJsonPath("$.labels.managed-by", equalTo("autorunner")))
            .withRequestBody(matchingJsonPath("$.labels.autorunner-job-id", equalTo("4242")))
            .withRequestBody(
                matchingJsonPath("$.metadata.items[?(@.key == 'startup-script')].value"))
            .withRequestBody(
                matchingJsonPath(
                    "$.metadata.items[?(@.key == 'block-project-ssh-keys')].value",
                    equalTo("true"))));
    LoggedRequest insert =
        compute
            .findAll(postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances")))
            .get(0);
    assertThat(insert.getBodyAsString()).doesNotContain("serviceAccounts");
  }

  @Test
  void movesToTheNextZoneWhenAZoneIsOutOfCapacity() throws Exception {
    noInstances();
    insertFails("us-central1-a", 503, "ZONE_RESOURCE_POOL_EXHAUSTED", STOCK_OUT);
    insertSucceeds("us-central1-b");

    CreatedMachine created =
        machines(List.of("us-central1-a", "us-central1-b"), false).create(request(t4Spec()));

    assertThat(created.zone()).isEqualTo("us-central1-b");
    assertThat(created.spot()).isTrue();
  }

  @Test
  void stockOutWithDetailsAlsoMovesOn() throws Exception {
    noInstances();
    insertFails("us-central1-a", 503, "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", STOCK_OUT);
    insertSucceeds("us-central1-b");

    assertThat(
            machines(List.of("us-central1-a", "us-central1-b"), false)
                .create(request(t4Spec()))
                .zone())
        .isEqualTo("us-central1-b");
  }

  @Test
  void everyZoneOutOfCapacityIsACapacityFailure() throws Exception {
    noInstances();
    insertFails("us-central1-a", 503, "ZONE_RESOURCE_POOL_EXHAUSTED", STOCK_OUT);
    insertFails("us-central1-b", 503, "ZONE_RESOURCE_POOL_EXHAUSTED", STOCK_OUT);

    assertThatThrownBy(
            () ->
                machines(List.of("us-central1-a", "us-central1-b"), false)
                    .create(request(t4Spec())))
        .isInstanceOf(ComputeException.Capacity.class)
        .hasMessageContaining("us-central1-a")
        .hasMessageContaining("us-central1-b");
  }

  @Test
  void spotOutEverywhereFallsBackToStandardWhenEnabled() throws Exception {
    noInstances();
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .withRequestBody(matchingJsonPath("$.scheduling.provisioningModel", equalTo("SPOT")))
            .willReturn(okJson(operation("us-central1-a", "op-spot-a", "RUNNING"))));
    operationFails("us-central1-a", "op-spot-a", 503, "ZONE_RESOURCE_POOL_EXHAUSTED", STOCK_OUT);
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .withRequestBody(
                matchingJsonPath("$.scheduling.provisioningModel", equalTo("STANDARD")))
            .willReturn(okJson(operation("us-central1-a", "op-std-a", "RUNNING"))));
    operationDone("us-central1-a", "op-std-a");

    CreatedMachine created = machines(List.of("us-central1-a"), true).create(request(t4Spec()));

    assertThat(created).isEqualTo(new CreatedMachine(NAME, "us-central1-a", false, false));
    compute.verify(
        postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .withRequestBody(
                matchingJsonPath("$.scheduling.provisioningModel", equalTo("STANDARD")))
            .withRequestBody(
                matchingJsonPath("$.scheduling.instanceTerminationAction", equalTo("DELETE")))
            .withRequestBody(matchingJsonPath("$.labels.autorunner-spot", equalTo("false"))));
  }

  @Test
  void spotOutEverywhereWithoutFallbackNeverTriesStandard() throws Exception {
    noInstances();
    insertFails("us-central1-a", 503, "ZONE_RESOURCE_POOL_EXHAUSTED", STOCK_OUT);

    assertThatThrownBy(() -> machines(List.of("us-central1-a"), false).create(request(t4Spec())))
        .isInstanceOf(ComputeException.Capacity.class);
    compute.verify(
        0,
        postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .withRequestBody(
                matchingJsonPath("$.scheduling.provisioningModel", equalTo("STANDARD"))));
  }

  @Test
  void spotOutEverywhereNeverFallsBackToStandardWhereOnlySpotIsAllowed() throws Exception {
    noInstances();
    insertFails("us-central1-a", 503, "ZONE_RESOURCE_POOL_EXHAUSTED", STOCK_OUT);

    assertThatThrownBy(
            () ->
                machines(List.of("us-central1-a"), true, spotOnlyPolicy())
                    .create(request(t4Spec())))
        .isInstanceOf(ComputeException.Capacity.class);
    compute.verify(
        0,
        postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .withRequestBody(
                matchingJsonPath("$.scheduling.provisioningModel", equalTo("STANDARD"))));
  }

  @Test
  void aPinnedZoneIsTheOnlyZoneTried() throws Exception {
    noInstances();
    insertFails("us-central1-c", 503, "ZONE_RESOURCE_POOL_EXHAUSTED", STOCK_OUT);
    insertSucceeds("us-central1-a");
    RunnerSpec pinned =
        new RunnerSpec(
            "e2-standard-4",
            null,
            100,
            null,
            "us-central1-c",
            true,
            OperatingSystem.LINUX,
            List.of());

    assertThatThrownBy(
            () ->
                machines(List.of("us-central1-a", "us-central1-b"), false).create(request(pinned)))
        .isInstanceOf(ComputeException.Capacity.class);
    compute.verify(0, postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances")));
  }

  @Test
  void aZoneWithoutTheAcceleratorIsSkipped() throws Exception {
    noInstances();
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .willReturn(
                errorBody(
                    400,
                    "invalid",
                    "Invalid value for field 'resource.guestAccelerators[0].acceleratorType':"
                        + " 'zones/us-central1-a/acceleratorTypes/nvidia-tesla-t4'. Accelerator"
                        + " type 'nvidia-tesla-t4' does not exist in zone us-central1-a.")));
    insertSucceeds("us-central1-b");

    assertThat(
            machines(List.of("us-central1-a", "us-central1-b"), false)
                .create(request(t4Spec()))
                .zone())
        .isEqualTo("us-central1-b");
  }

  @Test
  void noZoneOfferingTheMachineIsPermanentNotCapacity() throws Exception {
    noInstances();
    for (String zone : List.of("us-central1-a", "us-central1-b")) {
      compute.stubFor(
          post(urlPathEqualTo(PROJECT + "/zones/" + zone + "/instances"))
              .willReturn(
                  errorBody(
                      404,
                      "notFound",
                      "The resource 'projects/my-project/zones/"
                          + zone
                          + "/machineTypes/n1-standard-4' was not found")));
    }

    assertThatThrownBy(
            () ->
                machines(List.of("us-central1-a", "us-central1-b"), false)
                    .create(request(t4Spec())))
        .isInstanceOf(ComputeException.Permanent.class)
        .hasMessageContaining("none of the zones");
  }

  @Test
  void anOperationStillRunningAtTheTimeoutIsTransient() throws Exception {
    noInstances();
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .willReturn(okJson(operation("us-central1-a", "op-slow", "RUNNING"))));
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/zones/us-central1-a/operations/op-slow"))
            .willReturn(okJson(operation("us-central1-a", "op-slow", "RUNNING"))));
    GceProperties gce = gce(List.of("us-central1-a"), false, compute.baseUrl(), true, null);
    machines =
        new ComputeEngineMachines(
            gce,
            new InstanceFactory(gce, policy(Map.of())),
            ComputeConfiguration.instancesClient(gce),
            ComputeConfiguration.operationsClient(gce),
            Duration.ofSeconds(2));

    assertThatThrownBy(() -> machines.create(request(cpuSpec())))
        .isInstanceOf(ComputeException.Transient.class)
        .hasMessageContaining("did not finish");
  }

  @Test
  void conflictOnInsertMeansAnEarlierAttemptCreatedIt() throws Exception {
    noInstances();
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .willReturn(
                errorBody(
                    409,
                    "alreadyExists",
                    "The resource 'projects/my-project/zones/us-central1-a/instances/"
                        + NAME
                        + "' already exists")));

    CreatedMachine created = machines(List.of("us-central1-a"), false).create(request(cpuSpec()));

    assertThat(created).isEqualTo(new CreatedMachine(NAME, "us-central1-a", true, true));
  }

  @Test
  void anInstanceFoundInAnotherZoneIsNotCreatedAgain() throws Exception {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .willReturn(okJson(aggregated("us-central1-b", NAME, "RUNNING", "true"))));

    CreatedMachine created =
        machines(List.of("us-central1-a", "us-central1-b"), false).create(request(cpuSpec()));

    assertThat(created).isEqualTo(new CreatedMachine(NAME, "us-central1-b", true, true));
    compute.verify(0, postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances")));
  }

  @Test
  void quotaWithALimitOfZeroIsPermanent() throws Exception {
    noInstances();
    insertFails(
        "us-central1-a",
        403,
        "QUOTA_EXCEEDED",
        "Quota 'NVIDIA_T4_GPUS' exceeded.  Limit: 0.0 in region us-central1.");

    assertThatThrownBy(() -> machines(List.of("us-central1-a"), false).create(request(t4Spec())))
        .isInstanceOf(ComputeException.Permanent.class)
        .hasMessageContaining("NVIDIA_T4_GPUS");
  }

  @Test
  void quotaUsedUpForNowIsTransient() throws Exception {
    noInstances();
    insertFails(
        "us-central1-a",
        403,
        "QUOTA_EXCEEDED",
        "Quota 'NVIDIA_T4_GPUS' exceeded.  Limit: 4.0 in region us-central1.");

    assertThatThrownBy(() -> machines(List.of("us-central1-a"), false).create(request(t4Spec())))
        .isInstanceOf(ComputeException.Transient.class);
  }

  @Test
  void serviceUnavailableOnInsertIsTransient() throws Exception {
    noInstances();
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .willReturn(errorBody(503, "backendError", "Backend Error")));

    assertThatThrownBy(
            () ->
                machines(List.of("us-central1-a", "us-central1-b"), false)
                    .create(request(cpuSpec())))
        .isInstanceOf(ComputeException.Transient.class);
    compute.verify(0, postRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-b/instances")));
  }

  @Test
  void otherClientErrorsArePermanent() throws Exception {
    noInstances();
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances"))
            .willReturn(
                errorBody(
                    400,
                    "invalid",
                    "Invalid value for field 'resource.disks[0].initializeParams.sourceImage'")));

    assertThatThrownBy(() -> machines(List.of("us-central1-a"), false).create(request(cpuSpec())))
        .isInstanceOf(ComputeException.Permanent.class);
  }

  @Test
  void deleteFindsTheZoneAndWaitsForTheOperation() throws Exception {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .willReturn(okJson(aggregated("us-central1-b", NAME, "RUNNING", "true"))));
    compute.stubFor(
        delete(urlPathEqualTo(PROJECT + "/zones/us-central1-b/instances/" + NAME))
            .willReturn(okJson(operation("us-central1-b", "op-del", "RUNNING"))));
    operationDone("us-central1-b", "op-del");

    assertThat(machines(List.of("us-central1-a"), false).delete(NAME)).isTrue();
    compute.verify(
        deleteRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-b/instances/" + NAME)));
  }

  @Test
  void aVmAsListedIsDeletedInItsZoneWithoutLookingItUpAgain() throws Exception {
    compute.stubFor(
        delete(urlPathEqualTo(PROJECT + "/zones/us-central1-b/instances/" + NAME))
            .willReturn(okJson(operation("us-central1-b", "op-del", "RUNNING"))));
    operationDone("us-central1-b", "op-del");
    Machine listed =
        new Machine(
            NAME,
            "us-central1-b",
            InstanceStatus.RUNNING,
            Map.of(),
            Instant.EPOCH,
            Optional.empty());

    assertThat(machines(List.of("us-central1-a"), false).delete(listed)).isTrue();
    compute.verify(0, getRequestedFor(urlPathEqualTo(PROJECT + "/aggregated/instances")));
    compute.verify(
        deleteRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-b/instances/" + NAME)));
  }

  @Test
  void deleteOfAVmNotListedIsFalse() throws Exception {
    noInstances();

    assertThat(machines(List.of("us-central1-a"), false).delete(NAME)).isFalse();
  }

  @Test
  void deleteAnswered404IsFalse() throws Exception {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .willReturn(okJson(aggregated("us-central1-b", NAME, "STOPPING", "true"))));
    compute.stubFor(
        delete(urlPathEqualTo(PROJECT + "/zones/us-central1-b/instances/" + NAME))
            .willReturn(errorBody(404, "notFound", "The resource was not found")));

    assertThat(machines(List.of("us-central1-a"), false).delete(NAME)).isFalse();
  }

  @Test
  void findAndListReadManagedInstances() throws Exception {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .willReturn(okJson(aggregated("us-central1-b", NAME, "RUNNING", "false"))));

    ComputeEngineMachines gce = machines(List.of("us-central1-a"), false);
    Optional<Machine> found = gce.find(NAME);
    List<Machine> all = gce.list();

    assertThat(found).isPresent();
    assertThat(found.get().zone()).isEqualTo("us-central1-b");
    assertThat(found.get().status()).isEqualTo(InstanceStatus.RUNNING);
    assertThat(found.get().created()).isEqualTo(Instant.parse("2025-01-02T10:00:00Z"));
    assertThat(found.get().labels()).containsEntry("autorunner-job-id", "4242");
    assertThat(all).containsExactly(found.get());
    List<LoggedRequest> lists =
        compute.findAll(
            com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo(PROJECT + "/aggregated/instances")));
    assertThat(lists.get(0).queryParameter("filter").firstValue())
        .contains("name = \"" + NAME + "\"")
        .contains("labels.managed-by = \"autorunner\"");
    assertThat(lists.get(1).queryParameter("filter").firstValue())
        .isEqualTo("(labels.managed-by = \"autorunner\")");
  }

  @Test
  void aNameTwoCreatesLandedInTwoZonesAtOnceKeepsTheEarlierVmOnly() throws Exception {
    // This call's VM in us-central1-a; made a moment earlier by another handler instance, one in
    // us-central1-b.
    twinsAfterTheInsert("2025-01-02T02:00:00.900-08:00", "2025-01-02T02:00:00.100-08:00");
    deletes("us-central1-a");

    CreatedMachine created =
        machines(List.of("us-central1-a", "us-central1-b"), false).create(request(t4Spec()));

    assertThat(created).isEqualTo(new CreatedMachine(NAME, "us-central1-b", true, true));
    compute.verify(
        1, deleteRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-a/instances/" + NAME)));
    compute.verify(
        0, deleteRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-b/instances/" + NAME)));
  }

  @Test
  void theCreateThatMadeTheEarlierTwinKeepsItsOwn() throws Exception {
    twinsAfterTheInsert("2025-01-02T02:00:00.100-08:00", "2025-01-02T02:00:00.900-08:00");
    deletes("us-central1-b");

    CreatedMachine created =
        machines(List.of("us-central1-a", "us-central1-b"), false).create(request(t4Spec()));

    assertThat(created).isEqualTo(new CreatedMachine(NAME, "us-central1-a", true, false));
    compute.verify(
        1, deleteRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-b/instances/" + NAME)));
  }

  /**
   * The look before the walk finds nothing; the insert in us-central1-a works; the look after it
   * finds the name in us-central1-a and us-central1-b, created when given.
   */
  private static void twinsAfterTheInsert(String createdA, String createdB) {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .inScenario("twins")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson("{\"kind\": \"compute#instanceAggregatedList\", \"items\": {}}"))
            .willSetStateTo("inserted"));
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .inScenario("twins")
            .whenScenarioStateIs("inserted")
            .willReturn(okJson(twins("us-central1-a", createdA, "us-central1-b", createdB))));
    insertSucceeds("us-central1-a");
  }

  private static void deletes(String zone) {
    compute.stubFor(
        delete(urlPathEqualTo(PROJECT + "/zones/" + zone + "/instances/" + NAME))
            .willReturn(okJson(operation(zone, "op-delete-" + zone, "RUNNING"))));
    operationDone(zone, "op-delete-" + zone);
  }

  /** The name in two zones, each VM created when given. */
  private static String twins(String zoneA, String createdA, String zoneB, String createdB) {
    String base = "https://www.googleapis.com/compute/v1/projects/my-project/zones/";
    String vm =
        """
        "%s": {"instances": [{
          "kind": "compute#instance", "name": "%s", "zone": "%s", "status": "PROVISIONING",
          "creationTimestamp": "%s",
          "labels": {"managed-by": "autorunner", "autorunner-job-id": "4242",
                     "autorunner-spot": "true"}}]}""";
    return "{\"kind\": \"compute#instanceAggregatedList\", \"items\": {"
        + vm.formatted("zones/" + zoneA, NAME, base + zoneA, createdA)
        + ","
        + vm.formatted("zones/" + zoneB, NAME, base + zoneB, createdB)
        + "}}";
  }

  @Test
  void anInstanceWithoutACreationStampIsDatedWhenItWasListed() throws Exception {
    Instant listedAt = Instant.parse("2026-03-04T05:06:07Z");
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .willReturn(
                okJson(
                    aggregated("us-central1-b", NAME, "RUNNING", "true")
                        .replace(
                            "\"creationTimestamp\": \"2025-01-02T02:00:00.000-08:00\",", ""))));
    GceProperties gce = gce(List.of("us-central1-a"), false, compute.baseUrl(), true, null);
    machines =
        new ComputeEngineMachines(
            gce,
            new InstanceFactory(gce, policy(Map.of())),
            ComputeConfiguration.instancesClient(gce),
            ComputeConfiguration.operationsClient(gce),
            Duration.ofSeconds(20),
            Clock.fixed(listedAt, ZoneOffset.UTC));

    assertThat(machines.list()).extracting(Machine::created).containsExactly(listedAt);
  }

  @Test
  void findReadsTheInstanceIdLabelFingerprintAndRunnerLabels() throws Exception {
    listsTheBootingVm();

    Machine found = machines(List.of("us-central1-a"), false).find(NAME).orElseThrow();

    assertThat(found.instanceId()).isEqualTo("9876543210123456789");
    assertThat(found.labelFingerprint()).isEqualTo(FINGERPRINT);
    assertThat(found.runnerLabels()).containsExactly("self-hosted", "gce", "gpu");
    assertThat(found.runnerId()).isEmpty();
  }

  @Test
  void relabelSendsAllLabelsWithTheFingerprintTheVmWasReadWithAndWaits() throws Exception {
    listsTheBootingVm();
    compute.stubFor(
        post(urlPathEqualTo(SET_LABELS))
            .willReturn(okJson(operation("us-central1-b", "op-labels", "RUNNING"))));
    operationDone("us-central1-b", "op-labels");
    ComputeEngineMachines gce = machines(List.of("us-central1-a"), false);
    Machine vm = gce.find(NAME).orElseThrow();

    assertThat(gce.relabel(vm, Map.of("autorunner-runner-id", "23"))).isTrue();

    compute.verify(
        postRequestedFor(urlPathEqualTo(SET_LABELS))
            .withRequestBody(matchingJsonPath("$.labelFingerprint", equalTo(FINGERPRINT)))
            .withRequestBody(matchingJsonPath("$.labels.autorunner-runner-id", equalTo("23")))
            // setLabels replaces the whole set: the labels read are sent along.
            .withRequestBody(matchingJsonPath("$.labels.managed-by", equalTo("autorunner")))
            .withRequestBody(matchingJsonPath("$.labels.autorunner-job-id", equalTo("4242"))));
    compute.verify(
        getRequestedFor(urlPathEqualTo(PROJECT + "/zones/us-central1-b/operations/op-labels")));
  }

  @Test
  void relabelWithAStaleFingerprintIsFalse() throws Exception {
    listsTheBootingVm();
    compute.stubFor(
        post(urlPathEqualTo(SET_LABELS))
            .willReturn(
                errorBody(
                    412,
                    "conditionNotMet",
                    "Labels fingerprint either invalid or resource labels have changed")));
    ComputeEngineMachines gce = machines(List.of("us-central1-a"), false);

    assertThat(gce.relabel(gce.find(NAME).orElseThrow(), Map.of("autorunner-retiring", "true")))
        .isFalse();
  }

  @Test
  void aStaleFingerprintReportedByTheOperationIsFalseToo() throws Exception {
    listsTheBootingVm();
    compute.stubFor(
        post(urlPathEqualTo(SET_LABELS))
            .willReturn(okJson(operation("us-central1-b", "op-labels", "RUNNING"))));
    operationFails(
        "us-central1-b",
        "op-labels",
        412,
        "CONDITION_NOT_MET",
        "Labels fingerprint either invalid or resource labels have changed");
    ComputeEngineMachines gce = machines(List.of("us-central1-a"), false);

    assertThat(gce.relabel(gce.find(NAME).orElseThrow(), Map.of("autorunner-retiring", "true")))
        .isFalse();
  }

  @Test
  void relabelOfAVmGoneMeanwhileIsFalse() throws Exception {
    listsTheBootingVm();
    compute.stubFor(
        post(urlPathEqualTo(SET_LABELS))
            .willReturn(errorBody(404, "notFound", "The resource was not found")));
    ComputeEngineMachines gce = machines(List.of("us-central1-a"), false);

    assertThat(gce.relabel(gce.find(NAME).orElseThrow(), Map.of("autorunner-retiring", "true")))
        .isFalse();
  }

  @Test
  void relabelAnswered5xxIsTransient() throws Exception {
    listsTheBootingVm();
    compute.stubFor(
        post(urlPathEqualTo(SET_LABELS))
            .willReturn(errorBody(503, "backendError", "Backend Error")));
    ComputeEngineMachines gce = machines(List.of("us-central1-a"), false);
    Machine vm = gce.find(NAME).orElseThrow();

    assertThatThrownBy(() -> gce.relabel(vm, Map.of("autorunner-runner-id", "23")))
        .isInstanceOf(ComputeException.Transient.class)
        .hasMessageContaining("relabel " + NAME);
  }

  // --- the fake Compute Engine -------------------------------------------------------------

  private static final String SET_LABELS =
      PROJECT + "/zones/us-central1-b/instances/" + NAME + "/setLabels";

  private static final String FINGERPRINT = "42WmSpB8rSM=";

  /** A VM as GCE lists it while it boots: its id, fingerprint and metadata, no runner yet. */
  private static void listsTheBootingVm() {
    String zoneUrl =
        "https://www.googleapis.com/compute/v1/projects/my-project/zones/us-central1-b";
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .willReturn(
                okJson(
                    """
                    {"kind": "compute#instanceAggregatedList", "items": {
                      "zones/us-central1-b": {"instances": [{
                        "kind": "compute#instance", "id": "9876543210123456789",
                        "name": "%s", "zone": "%s", "status": "RUNNING",
                        "creationTimestamp": "2025-01-02T02:00:00.000-08:00",
                        "labels": {"managed-by": "autorunner", "autorunner-job-id": "4242"},
                        "labelFingerprint": "%s",
                        "metadata": {"items": [
                          {"key": "startup-script", "value": "#!/bin/bash"},
                          {"key": "autorunner-job-id", "value": "4242"},
                          {"key": "autorunner-run-id", "value": "777"},
                          {"key": "autorunner-repository", "value": "Octo-Org/My.Repo"},
                          {"key": "autorunner-runner-labels", "value": "self-hosted,gce,gpu"}
                        ]}}]}}}"""
                        .formatted(NAME, zoneUrl, FINGERPRINT))));
  }

  private static final String STOCK_OUT =
      "The zone does not have enough resources available to fulfill the request."
          + "  Try a different zone, or try again later.";

  private static void noInstances() {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/aggregated/instances"))
            .willReturn(okJson("{\"kind\": \"compute#instanceAggregatedList\", \"items\": {}}")));
  }

  private static void insertSucceeds(String zone) {
    String op = "op-insert-" + zone;
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/" + zone + "/instances"))
            .willReturn(okJson(operation(zone, op, "RUNNING"))));
    operationDone(zone, op);
  }

  private static void insertFails(String zone, int http, String code, String message) {
    String op = "op-insert-" + zone;
    compute.stubFor(
        post(urlPathEqualTo(PROJECT + "/zones/" + zone + "/instances"))
            .willReturn(okJson(operation(zone, op, "RUNNING"))));
    operationFails(zone, op, http, code, message);
  }

  private static void operationDone(String zone, String op) {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/zones/" + zone + "/operations/" + op))
            .willReturn(okJson(operation(zone, op, "DONE"))));
  }

  private static void operationFails(
      String zone, String op, int http, String code, String message) {
    compute.stubFor(
        get(urlPathEqualTo(PROJECT + "/zones/" + zone + "/operations/" + op))
            .willReturn(okJson(GceOperationJson.failed(zone, op, NAME, http, code, message))));
  }

  private static String operation(String zone, String name, String status) {
    return GceOperationJson.operation(zone, name, status, NAME);
  }

  private static String aggregated(String zone, String name, String status, String spot) {
    String zoneUrl = "https://www.googleapis.com/compute/v1/projects/my-project/zones/" + zone;
    return """
        {"kind": "compute#instanceAggregatedList", "items": {
          "zones/us-central1-a": {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "none"}},
          "zones/%s": {"instances": [{
            "kind": "compute#instance", "name": "%s", "zone": "%s", "status": "%s",
            "creationTimestamp": "2025-01-02T02:00:00.000-08:00",
            "labels": {"managed-by": "autorunner", "autorunner-job-id": "4242",
                       "autorunner-spot": "%s"}}]}}}"""
        .formatted(zone, name, zoneUrl, status, spot);
  }

  private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder errorBody(
      int status, String reason, String message) {
    return aResponse()
        .withStatus(status)
        .withHeader("Content-Type", "application/json")
        .withBody(
            """
            {"error": {"code": %d, "message": "%s",
             "errors": [{"message": "%s", "domain": "global", "reason": "%s"}]}}"""
                .formatted(status, message, message, reason));
  }
}
