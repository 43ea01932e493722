package io.autorunner.handler.cost;

import static org.assertj.core.api.Assertions.assertThat;

import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.vm.BilledShape;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A VM's life priced from the table the handler ships (its application.properties, as Spring binds
 * it): the figures below are worked out by hand from the README's table.
 */
class VmPricingTest {

  private final VmPricing pricing = new VmPricing(Fixtures.prices());

  private static BilledShape t4OnN1Standard8(boolean spot) {
    return new BilledShape("n1-standard-8", "nvidia-tesla-t4", 1, 100, "pd-balanced", spot);
  }

  @Test
  void twentyMinutesOfASpotT4OnN1Standard8CostWhatTheTableSays() {
    // 8 vCPUs × 0.006655 + 30 GB × 0.000892 + 1 T4 × 0.172 = 0.25200 an hour, for 1/3 hour;
    // 100 GB pd-balanced × 0.10 a month (730 h) for 1,200 s.
    BigDecimal expected =
        new BigDecimal("0.252")
            .divide(BigDecimal.valueOf(3), 10, java.math.RoundingMode.HALF_UP)
            .add(
                new BigDecimal("10")
                    .multiply(BigDecimal.valueOf(1200))
                    .divide(BigDecimal.valueOf(730L * 3600), 10, java.math.RoundingMode.HALF_UP))
            .setScale(6, java.math.RoundingMode.HALF_UP);

    VmCost cost = pricing.cost(t4OnN1Standard8(true), Duration.ofMinutes(20));

    assertThat(cost.usd()).contains(expected);
    assertThat(expected).isEqualByComparingTo("0.088566");
  }

  @Test
  void theSameLifeAsAStandardVmCostsTheStandardPrices() {
    // 8 × 0.031611 + 30 × 0.004237 + 0.35 = 0.729998 an hour.
    VmCost cost = pricing.cost(t4OnN1Standard8(false), Duration.ofMinutes(20));

    assertThat(cost.usd()).contains(new BigDecimal("0.247899"));
  }

  @Test
  void aVmIsBilledForAtLeastAMinuteButItsDiskOnlyForItsSeconds() {
    BilledShape e2 = new BilledShape("e2-standard-4", "", 0, 100, "pd-balanced", false);

    BigDecimal tenSeconds = pricing.cost(e2, Duration.ofSeconds(10)).usd().orElseThrow();
    BigDecimal oneMinute = pricing.cost(e2, Duration.ofMinutes(1)).usd().orElseThrow();

    // 4 × 0.021811 + 16 × 0.002923 = 0.134012 an hour, a minute of it 0.0022335; 100 GB ×
    // 0.10 a month is 0.0000038 a second: 10 s of it 0.0000381, 60 s 0.0002283.
    assertThat(tenSeconds).isEqualByComparingTo("0.002272");
    assertThat(oneMinute).isEqualByComparingTo("0.002462");
  }

  @Test
  void whatTheTableLacksIsNamedNotGuessed() {
    assertThat(
            pricing
                .cost(
                    new BilledShape("g2-standard-4", "nvidia-l4", 1, 100, "pd-balanced", true),
                    Duration.ofHours(1))
                .unpriced())
        .isEqualTo("autorunner.prices.machines.g2");
    assertThat(
            pricing
                .cost(
                    new BilledShape("n2-standard-8", "", 0, 100, "pd-balanced", true),
                    Duration.ofHours(1))
                .unpriced())
        .isEqualTo("autorunner.prices.machines.n2.spot-*");
    assertThat(
            pricing
                .cost(
                    new BilledShape(
                        "n1-standard-4", "nvidia-tesla-v100", 1, 100, "pd-balanced", true),
                    Duration.ofHours(1))
                .unpriced())
        .isEqualTo("autorunner.prices.gpus.nvidia-tesla-v100");
    assertThat(
            pricing
                .cost(
                    new BilledShape("n1-standard-4", "", 0, 100, "hyperdisk-balanced", true),
                    Duration.ofHours(1))
                .unpriced())
        .isEqualTo("autorunner.prices.disks.hyperdisk-balanced");
    assertThat(
            pricing
                .cost(
                    new BilledShape("n1-custom-8-32768", "", 0, 100, "pd-balanced", true),
                    Duration.ofHours(1))
                .unpriced())
        .as("custom types are priced apart")
        .isEqualTo("autorunner.prices.machines.n1-custom");
    assertThat(
            pricing
                .cost(
                    new BilledShape("m3-ultramem-32", "", 0, 100, "pd-balanced", true),
                    Duration.ofHours(1))
                .unpriced())
        .isEqualTo("the size of machine type m3-ultramem-32");
  }

  @Test
  void anOperatorsTableIsUsedAsConfigured() {
    PriceProperties own =
        new PriceProperties(
            "europe-west4",
            Map.of(
                "n1",
                new PriceProperties.MachineRates(BigDecimal.ONE, BigDecimal.ZERO, null, null)),
            Map.of(),
            Map.of("pd-balanced", BigDecimal.ZERO));

    VmCost cost =
        new VmPricing(own)
            .cost(
                new BilledShape("n1-standard-4", "", 0, 10, "pd-balanced", false),
                Duration.ofHours(2));

    assertThat(cost.usd()).contains(new BigDecimal("8.000000"));
  }
}
