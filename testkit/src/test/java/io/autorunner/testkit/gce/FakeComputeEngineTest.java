package io.autorunner.testkit.gce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.AbortedException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.UnavailableException;
import com.google.cloud.compute.v1.AcceleratorConfig;
import com.google.cloud.compute.v1.AggregatedListInstancesRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesScopedList;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.Metadata;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.Scheduling;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import com.google.cloud.compute.v1.ZoneOperationsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeComputeEngineTest {

  private static final String PROJECT = "proj";
  private static final String ZONE = "us-central1-a";

  private FakeComputeEngine gce;
  private InstancesClient client;

  @BeforeEach
  void start() throws Exception {
    gce = new FakeComputeEngine();
    gce.setBootDelay(Duration.ofMillis(200));
    gce.setOperationDelay(Duration.ofMillis(50));
    client =
        InstancesClient.create(
            InstancesSettings.newBuilder()
                .setEndpoint(gce.baseUrl().toString())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
  }

  @AfterEach
  void stop() {
    client.close();
    gce.close();
  }

  private static Instance instance(String name, boolean gpu) {
    Instance.Builder builder =
        Instance.newBuilder()
            .setName(name)
            .setMachineType("zones/" + ZONE + "/machineTypes/n1-standard-4")
            .putLabels("managed-by", "autorunner")
            .putLabels("autorunner-job-id", "42")
            .setScheduling(
                Scheduling.newBuilder()
                    .setProvisioningModel(Scheduling.ProvisioningModel.SPOT.name())
                    .setInstanceTerminationAction(
                        Scheduling.InstanceTerminationAction.DELETE.name()))
            .setMetadata(
                Metadata.newBuilder()
                    .addItems(
                        Items.newBuilder().setKey("startup-script").setValue("#!/bin/bash\necho")));
    if (gpu) {
      builder.addGuestAccelerators(
          AcceleratorConfig.newBuilder()
              .setAcceleratorType("zones/" + ZONE + "/acceleratorTypes/nvidia-tesla-t4")
              .setAcceleratorCount(1));
    }
    return builder.build();
  }

  private Operation insert(String zone, Instance instance) throws Exception {
    return client.insertAsync(PROJECT, zone, instance).get(10, TimeUnit.SECONDS);
  }

  @Test
  void anInsertedInstanceProvisionsThenRuns() throws Exception {
    // Longer than the client's first poll, so the DONE insert finds the VM still booting.
    gce.setBootDelay(Duration.ofSeconds(3));
    Operation op = insert(ZONE, instance("ghr-1-1", false));

    assertThat(op.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(client.get(PROJECT, ZONE, "ghr-1-1").getStatus()).isIn("PROVISIONING", "STAGING");
    waitForStatus("ghr-1-1", "RUNNING");
    Instance running = client.get(PROJECT, ZONE, "ghr-1-1");
    assertThat(running.getZone()).endsWith("/zones/" + ZONE);
    assertThat(running.getLabelsMap()).containsEntry("autorunner-job-id", "42");
    assertThat(running.getCreationTimestamp()).isNotEmpty();
  }

  @Test
  void withAnInsertLatencyNoInstanceOfTheNameIsListedUntilGceTakesTheInsert() throws Exception {
    gce.setInsertLatency(Duration.ofMillis(800));
    CompletableFuture<Operation> op =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return insert(ZONE, instance("ghr-9-1", false));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(300);

    assertThat(gce.instances()).as("still being inserted").isEmpty();
    assertThat(op.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(gce.instance("ghr-9-1")).isPresent();
  }

  @Test
  void insertRecordsTheResourceTheClientSent() throws Exception {
    insert(ZONE, instance("ghr-2-1", true));

    FakeInstance recorded = gce.inserted().get(0);
    assertThat(recorded.startupScript()).startsWith("#!/bin/bash");
    assertThat(recorded.labels()).containsEntry("managed-by", "autorunner");
    assertThat(recorded.spot()).isTrue();
    assertThat(recorded.hasGpu()).isTrue();
    assertThat(recorded.resource().path("scheduling").path("instanceTerminationAction").asString())
        .isEqualTo("DELETE");
  }

  @Test
  void insertingAnExistingNameIs409WhichTheRestClientMapsToAborted() throws Exception {
    insert(ZONE, instance("ghr-3-1", false));

    assertThatThrownBy(() -> insert(ZONE, instance("ghr-3-1", false)))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(AbortedException.class)
        .hasStackTraceContaining("409 Conflict")
        .hasStackTraceContaining("\"reason\":\"alreadyExists\"");
  }

  @Test
  void deletingAMissingInstanceIs404() {
    assertThatThrownBy(() -> client.deleteAsync(PROJECT, ZONE, "nope").get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void deleteRemovesTheInstanceAndTellsListeners() throws Exception {
    List<FakeInstance> gone = new CopyOnWriteArrayList<>();
    gce.onGone(gone::add);
    insert(ZONE, instance("ghr-4-1", false));

    Operation op = client.deleteAsync(PROJECT, ZONE, "ghr-4-1").get(10, TimeUnit.SECONDS);

    assertThat(op.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(gce.instance("ghr-4-1")).isEmpty();
    assertThatThrownBy(() -> client.get(PROJECT, ZONE, "ghr-4-1"))
        .isInstanceOf(NotFoundException.class);
    awaitTrue(() -> gone.size() == 1);
    assertThat(gone.get(0).preempted()).isFalse();
    assertThat(gce.deleteCount()).isEqualTo(1);
  }

  @Test
  void aggregatedListFiltersByLabelAndName() throws Exception {
    insert(ZONE, instance("ghr-5-1", false));
    insert("europe-west4-b", instance("ghr-6-1", false));
    insert(ZONE, instance("other-1", false).toBuilder().putLabels("managed-by", "else").build());

    assertThat(aggregatedNames("(labels.managed-by = \"autorunner\")"))
        .containsExactlyInAnyOrder("ghr-5-1", "ghr-6-1");
    assertThat(aggregatedNames("(name = \"ghr-6-1\") AND (labels.managed-by = \"autorunner\")"))
        .containsExactly("ghr-6-1");
    assertThat(aggregatedNames("(name = \"other-1\") AND (labels.managed-by = \"autorunner\")"))
        .isEmpty();
  }

  private List<String> aggregatedNames(String filter) {
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, InstancesScopedList> scope :
        client
            .aggregatedList(
                AggregatedListInstancesRequest.newBuilder()
                    .setProject(PROJECT)
                    .setFilter(filter)
                    .setReturnPartialSuccess(true)
                    .build())
            .iterateAll()) {
      scope.getValue().getInstancesList().forEach(i -> names.add(i.getName()));
    }
    return names;
  }

  @Test
  void aZoneOutOfGpuCapacityFinishesTheOperationWithTheStockOutCode() throws Exception {
    gce.exhaustGpuCapacity(ZONE);

    OperationFuture<Operation, Operation> future =
        client.insertAsync(PROJECT, ZONE, instance("ghr-7-1", true));

    // What the adapter sees: an UnavailableException from the future, and the finished
    // operation's error codes in the polling future's last snapshot.
    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(UnavailableException.class);
    Operation finished = (Operation) future.getPollingFuture().get().getResponse();
    assertThat(finished.getStatus()).isEqualTo(Operation.Status.DONE);
    assertThat(finished.getError().getErrors(0).getCode())
        .isEqualTo("ZONE_RESOURCE_POOL_EXHAUSTED");
    assertThat(finished.getHttpErrorStatusCode()).isEqualTo(503);
    assertThat(gce.instance("ghr-7-1")).isEmpty();
    // CPU machines still fit.
    assertThat(insert(ZONE, instance("ghr-8-1", false)).hasError()).isFalse();
  }

  @Test
  void anExceededQuotaNamesItsLimit() throws Exception {
    gce.exceedQuota("NVIDIA_T4_GPUS", 0, true);

    OperationFuture<Operation, Operation> future =
        client.insertAsync(PROJECT, ZONE, instance("ghr-9-1", true));

    assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
    Operation finished = (Operation) future.getPollingFuture().get().getResponse();
    assertThat(finished.getError().getErrors(0).getCode()).isEqualTo("QUOTA_EXCEEDED");
    assertThat(finished.getError().getErrors(0).getMessage())
        .contains("NVIDIA_T4_GPUS")
        .contains("Limit: 0.0");
    assertThat(finished.getHttpErrorStatusCode()).isEqualTo(403);
  }

  @Test
  void injected503sReachTheClientAsUnavailable() {
    gce.failNextRequests(1);

    assertThatThrownBy(() -> insert(ZONE, instance("ghr-10-1", false)))
        .cause()
        .isInstanceOf(UnavailableException.class);
    assertThat(gce.injectedFailureCount()).isEqualTo(1);
    assertThat(gce.instance("ghr-10-1")).isEmpty();
  }

  @Test
  void slowOperationsStayRunningUntilTheirDelay() throws Exception {
    gce.setOperationDelay(Duration.ofSeconds(30));

    OperationFuture<Operation, Operation> future =
        client.insertAsync(PROJECT, ZONE, instance("ghr-11-1", false));

    assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS))
        .isInstanceOf(java.util.concurrent.TimeoutException.class);
    future.cancel(true);
  }

  @Test
  void zoneOperationWaitReturnsTheFinishedOperation() throws Exception {
    gce.setOperationDelay(Duration.ofMillis(300));
    Operation started =
        client
            .insertCallable()
            .futureCall(
                com.google.cloud.compute.v1.InsertInstanceRequest.newBuilder()
                    .setProject(PROJECT)
                    .setZone(ZONE)
                    .setInstanceResource(instance("ghr-12-1", false))
                    .build())
            .get(10, TimeUnit.SECONDS);
    assertThat(started.getStatus()).isEqualTo(Operation.Status.RUNNING);

    try (ZoneOperationsClient operations =
        ZoneOperationsClient.create(
            ZoneOperationsSettings.newBuilder()
                .setEndpoint(gce.baseUrl().toString())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      Operation done = operations.wait(PROJECT, ZONE, started.getName());
      assertThat(done.getStatus()).isEqualTo(Operation.Status.DONE);
      assertThat(operations.get(PROJECT, ZONE, started.getName()).getOperationType())
          .isEqualTo("insert");
    }
  }

  @Test
  void preemptionDeletesARunningInstanceAndRecordsIt() throws Exception {
    List<FakeInstance> running = new CopyOnWriteArrayList<>();
    List<FakeInstance> gone = new CopyOnWriteArrayList<>();
    gce.onRunning(running::add);
    gce.onGone(gone::add);
    insert(ZONE, instance("ghr-13-1", false));
    awaitTrue(() -> running.size() == 1);

    assertThat(gce.preempt("ghr-13-1")).isTrue();

    assertThatThrownBy(() -> client.get(PROJECT, ZONE, "ghr-13-1"))
        .isInstanceOf(NotFoundException.class);
    awaitTrue(() -> gone.size() == 1);
    assertThat(gone.get(0).preempted()).isTrue();
    try (ZoneOperationsClient operations =
        ZoneOperationsClient.create(
            ZoneOperationsSettings.newBuilder()
                .setEndpoint(gce.baseUrl().toString())
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
      List<String> targets = new ArrayList<>();
      operations
          .list(
              com.google.cloud.compute.v1.ListZoneOperationsRequest.newBuilder()
                  .setProject(PROJECT)
                  .setZone(ZONE)
                  .setFilter("operationType = \"compute.instances.preempted\"")
                  .build())
          .iterateAll()
          .forEach(op -> targets.add(op.getTargetLink()));
      assertThat(targets).singleElement().asString().endsWith("/instances/ghr-13-1");
    }
  }

  @Test
  void aPoweredOffInstanceIsTerminatedUntilDeleted() throws Exception {
    insert(ZONE, instance("ghr-14-1", false));
    waitForStatus("ghr-14-1", "RUNNING");

    assertThat(gce.powerOff("ghr-14-1")).isTrue();

    assertThat(client.get(PROJECT, ZONE, "ghr-14-1").getStatus()).isEqualTo("TERMINATED");
    client.deleteAsync(PROJECT, ZONE, "ghr-14-1").get(10, TimeUnit.SECONDS);
    assertThat(gce.instances()).isEmpty();
  }

  @Test
  void theControlEndpointPreemptsByName() throws Exception {
    insert(ZONE, instance("ghr-15-1", false));
    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

    int status =
        http.send(
                java.net.http.HttpRequest.newBuilder(
                        gce.baseUrl().resolve("/_fake/instances/ghr-15-1/preempt"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.discarding())
            .statusCode();

    assertThat(status).isEqualTo(204);
    assertThat(gce.instances()).isEmpty();
    assertThat(gce.preemptionCount()).isEqualTo(1);
  }

  private void waitForStatus(String name, String status) throws InterruptedException {
    awaitTrue(() -> status.equals(client.get(PROJECT, ZONE, name).getStatus()));
  }

  /** Waits up to 10 s for {@code condition}; fails the test if it never holds. */
  static void awaitTrue(BooleanSupplier condition) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(20))
        .until(condition::getAsBoolean);
  }
}
