package io.autorunner.handler.task;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InstanceCapTests {

  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

  @Test
  void ofThreeRacingInsertsWithRoomForTwoOnlyTheNewestIsOneTooMany() {
    InstanceCap cap = new InstanceCap(2);
    List<Machine> listed = List.of(vm("ghr-1-1", 0), vm("ghr-2-1", 3), vm("ghr-3-1", 7));

    assertThat(cap.overflowing("ghr-1-1", listed)).isEmpty();
    assertThat(cap.overflowing("ghr-2-1", listed)).isEmpty();
    assertThat(cap.overflowing("ghr-3-1", listed)).hasValueSatisfying(r -> r.contains("2 VMs"));
  }

  @Test
  void aTieInCreationTimeIsBrokenByNameTheSameWayEverywhere() {
    InstanceCap cap = new InstanceCap(1);
    List<Machine> listed = List.of(vm("ghr-b-1", 5), vm("ghr-a-1", 5));

    assertThat(cap.overflowing("ghr-a-1", listed)).isEmpty();
    assertThat(cap.overflowing("ghr-b-1", listed)).isPresent();
  }

  @Test
  void aFreshVmTheListingDoesNotShowYetCountsAsTheNewest() {
    InstanceCap cap = new InstanceCap(2);

    assertThat(cap.overflowing("ghr-9-1", List.of(vm("ghr-1-1", 0), vm("ghr-2-1", 1)))).isPresent();
    assertThat(cap.overflowing("ghr-9-1", List.of(vm("ghr-1-1", 0)))).isEmpty();
  }

  @Test
  void stoppedVmsCountUntilTheyAreDeleted() {
    InstanceCap cap = new InstanceCap(1);
    Machine stopped =
        new Machine(
            "ghr-1-1",
            "us-central1-a",
            InstanceStatus.TERMINATED,
            Map.of(),
            T0,
            java.util.Optional.empty());

    assertThat(cap.full(List.of(stopped))).isPresent();
    assertThat(cap.full(List.of())).isEmpty();
  }

  private static Machine vm(String name, long millis) {
    return new Machine(
        name,
        "us-central1-a",
        InstanceStatus.RUNNING,
        Map.of(),
        T0.plusMillis(millis),
        java.util.Optional.empty());
  }
}
