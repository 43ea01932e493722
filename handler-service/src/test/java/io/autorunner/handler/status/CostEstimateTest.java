package io.autorunner.handler.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.handler.cost.VmPricing;
import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.vm.BilledShape;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The page's "cost so far" is the figure the VM's deletion would log at that moment. */
class CostEstimateTest {

  private static final Instant CREATED = Instant.parse("2026-12-01T09:00:00Z");

  private static Machine vm(Map<String, String> labels) {
    return new Machine(
        "ghr-1-1", "us-central1-a", InstanceStatus.RUNNING, labels, CREATED, Optional.empty());
  }

  @Test
  void aVmLabelledWithItsShapeIsPricedFromTheTableForItsAge() {
    VmPricing pricing = new VmPricing(Fixtures.prices());
    BilledShape shape =
        new BilledShape("n1-standard-4", "nvidia-tesla-t4", 1, 100, "pd-balanced", true);
    Map<String, String> labels = new HashMap<>(shape.labels());
    labels.put(MachineLabels.SPOT, "true");
    Instant now = CREATED.plus(Duration.ofMinutes(30));

    Optional<Money> soFar = CostEstimate.pricedBy(pricing).soFar(vm(labels), now);

    assertThat(soFar).isPresent();
    assertThat(soFar.get().currency()).isEqualTo("USD");
    assertThat(soFar.get().amount())
        .isEqualByComparingTo(
            pricing
                .cost(vm(labels).billedShape().orElseThrow(), Duration.ofMinutes(30))
                .usd()
                .orElseThrow());
    assertThat(soFar.get().amount().signum()).isPositive();
  }

  @Test
  void aVmWhoseLabelsDoNotSayItsShapeShowsADash() {
    assertThat(
            CostEstimate.pricedBy(new VmPricing(Fixtures.prices()))
                .soFar(vm(Map.of()), CREATED.plusSeconds(60)))
        .isEmpty();
  }
}
