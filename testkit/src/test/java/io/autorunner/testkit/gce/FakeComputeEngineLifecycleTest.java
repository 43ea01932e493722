package io.autorunner.testkit.gce;

import static io.autorunner.testkit.gce.FakeComputeEngineTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.rpc.InvalidArgumentException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.cloud.compute.v1.DeleteInstanceRequest;
import com.google.cloud.compute.v1.InsertInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesSettings;
import com.google.cloud.compute.v1.Operation;
import io.autorunner.testkit.http.JsonServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Creation order, slow deletion and the lifetime log, read through the real client. */
class FakeComputeEngineLifecycleTest {

  private static final String PROJECT = "proj";
  private static final String ZONE = "us-central1-a";

  private FakeComputeEngine gce;
  private InstancesClient client;

  @BeforeEach
  void start() throws Exception {
    gce = new FakeComputeEngine();
    gce.setBootDelay(Duration.ofMillis(100));
    gce.setOperationDelay(Duration.ofMillis(20));
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

  private static Instance instance(String name) {
    return Instance.newBuilder()
        .setName(name)
        .setMachineType("zones/" + ZONE + "/machineTypes/n1-standard-4")
        .putLabels("managed-by", "autorunner")
        .putLabels("autorunner-job-id", name.substring(name.indexOf('-') + 1))
        .build();
  }

  private void insert(String name) throws Exception {
    client.insertAsync(PROJECT, ZONE, instance(name)).get(10, TimeUnit.SECONDS);
  }

  @Test
  void creationTimestampsAreRfc3339WithMillisecondsAndStrictlyIncreaseInInsertOrder()
      throws Exception {
    // Fired together, so several land in the same millisecond.
    List<Future<Operation>> inserts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      inserts.add(
          client
              .insertCallable()
              .futureCall(
                  InsertInstanceRequest.newBuilder()
                      .setProject(PROJECT)
                      .setZone(ZONE)
                      .setInstanceResource(instance("ghr-" + i + "-1"))
                      .build()));
    }
    for (Future<Operation> insert : inserts) {
      insert.get(10, TimeUnit.SECONDS);
    }

    List<Instant> inInsertOrder = new ArrayList<>();
    for (FakeInstance created : gce.created()) {
      String stamp = client.get(PROJECT, ZONE, created.name()).getCreationTimestamp();
      assertThat(stamp)
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)");
      inInsertOrder.add(OffsetDateTime.parse(stamp).toInstant());
    }
    assertThat(inInsertOrder).hasSize(30).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void anInstanceIsStoppingWhileItsDeleteRunsThenGone() throws Exception {
    gce.setDeleteDelay(Duration.ofSeconds(2));
    insert("ghr-1-1");

    Operation started =
        client
            .deleteCallable()
            .futureCall(
                DeleteInstanceRequest.newBuilder()
                    .setProject(PROJECT)
                    .setZone(ZONE)
                    .setInstance("ghr-1-1")
                    .build())
            .get(10, TimeUnit.SECONDS);

    assertThat(started.getStatus()).isEqualTo(Operation.Status.RUNNING);
    assertThat(client.get(PROJECT, ZONE, "ghr-1-1").getStatus()).isEqualTo("STOPPING");
    awaitTrue(() -> gce.instance("ghr-1-1").isEmpty());
    assertThatThrownBy(() -> client.get(PROJECT, ZONE, "ghr-1-1"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void aSecondDeleteOfAnInstanceBeingDeletedIs400ResourceNotReady() throws Exception {
    gce.setDeleteDelay(Duration.ofSeconds(5));
    insert("ghr-2-1");
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest delete =
        HttpRequest.newBuilder(
                gce.baseUrl()
                    .resolve(
                        "/compute/v1/projects/"
                            + PROJECT
                            + "/zones/"
                            + ZONE
                            + "/instances/ghr-2-1"))
            .DELETE()
            .build();
    assertThat(http.send(delete, HttpResponse.BodyHandlers.discarding()).statusCode())
        .isEqualTo(200);

    HttpResponse<String> again = http.send(delete, HttpResponse.BodyHandlers.ofString());

    assertThat(again.statusCode()).isEqualTo(400);
    JsonNode error = JsonServer.JSON.readTree(again.body()).path("error");
    String message =
        "The resource 'projects/proj/zones/us-central1-a/instances/ghr-2-1' is not ready";
    assertThat(error.path("code").asInt()).isEqualTo(400);
    assertThat(error.path("message").asString()).isEqualTo(message);
    JsonNode detail = error.path("errors").get(0);
    assertThat(detail.path("message").asString()).isEqualTo(message);
    assertThat(detail.path("domain").asString()).isEqualTo("global");
    assertThat(detail.path("reason").asString()).isEqualTo("resourceNotReady");
    // The REST client maps the 400 by its status.
    assertThatThrownBy(() -> client.deleteAsync(PROJECT, ZONE, "ghr-2-1").get(10, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(InvalidArgumentException.class)
        .hasStackTraceContaining("resourceNotReady");
    assertThat(gce.deleteCount()).isEqualTo(1);
  }

  @Test
  void lifetimesRecordWhenEachInstanceWasInsertedAndWhenItWentAway() throws Exception {
    Instant before = Instant.now().minusMillis(1);
    insert("ghr-3-1");
    insert("ghr-4-1");
    insert("ghr-5-1");
    client.deleteAsync(PROJECT, ZONE, "ghr-3-1").get(10, TimeUnit.SECONDS);
    gce.preempt("ghr-5-1");

    List<VmLifetime> lives = gce.lifetimes();

    assertThat(lives).extracting(VmLifetime::name).containsExactly("ghr-3-1", "ghr-4-1", "ghr-5-1");
    assertThat(lives).extracting(VmLifetime::zone).containsOnly(ZONE);
    assertThat(lives).allSatisfy(l -> assertThat(l.inserted()).isAfter(before));
    assertThat(lives.get(0).labels()).containsEntry("autorunner-job-id", "3-1");
    assertThat(lives.get(0).deleted()).isAfter(lives.get(0).inserted());
    assertThat(lives.get(0).preempted()).isFalse();
    assertThat(lives.get(1).deleted()).isNull();
    assertThat(lives.get(1).aliveAt(Instant.now())).isTrue();
    assertThat(lives.get(2).deleted()).isNotNull();
    assertThat(lives.get(2).preempted()).isTrue();
  }

  @Test
  void aFailedInsertLeavesNoLifetime() throws Exception {
    gce.exhaustCapacity(ZONE);

    assertThatThrownBy(() -> insert("ghr-6-1")).isNotNull();

    assertThat(gce.inserted()).hasSize(1);
    assertThat(gce.lifetimes()).isEmpty();
  }

  @Test
  void peakAliveOlderThanCountsOnlyVmsThatOutlivedTheSettleWindow() {
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    List<VmLifetime> lives =
        List.of(
            life("a", t0, t0.plusSeconds(100)),
            life("b", t0.plusSeconds(10), t0.plusSeconds(50)),
            // Made and dropped within the window: a duplicate that was cleaned up in time.
            life("c", t0.plusSeconds(20), t0.plusSeconds(25)),
            life("d", t0.plusSeconds(60), null));

    assertThat(VmLifetime.peakAliveOlderThan(lives, Duration.ZERO, t0.plusSeconds(200)))
        .isEqualTo(3);
    assertThat(VmLifetime.peakAliveOlderThan(lives, Duration.ofSeconds(30), t0.plusSeconds(200)))
        .isEqualTo(2);
    // b goes before it would settle; a goes before d settles.
    assertThat(VmLifetime.peakAliveOlderThan(lives, Duration.ofSeconds(45), t0.plusSeconds(200)))
        .isEqualTo(1);
    // An instance that is deleted as another one settles did not overlap it.
    assertThat(
            VmLifetime.peakAliveOlderThan(
                List.of(life("e", t0, t0.plusSeconds(10)), life("f", t0.plusSeconds(5), null)),
                Duration.ofSeconds(5),
                t0.plusSeconds(60)))
        .isEqualTo(1);
  }

  private static VmLifetime life(String name, Instant inserted, Instant deleted) {
    return new VmLifetime(PROJECT, ZONE, name, Map.of(), inserted, deleted, false);
  }
}
