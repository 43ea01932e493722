package io.autorunner.handler.cost;

import io.autorunner.common.policy.MachineFamilies;
import io.autorunner.common.policy.MachineSizes;
import io.autorunner.handler.vm.BilledShape;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Prices a VM's life from {@link PriceProperties}: seconds alive × (vCPUs and memory at its
 * family's rate + its GPUs + its boot disk), at Spot or standard prices. Compute Engine bills
 * vCPUs, memory and GPUs for at least a minute, then per second; disks per GB-month (730 hours),
 * prorated. A machine type whose size cannot be told from its name, or a family, GPU or disk type
 * the table lacks, is not priced: it says what is missing instead of guessing.
 */
public final class VmPricing {

  private static final Duration MINIMUM = Duration.ofMinutes(1);
  private static final BigDecimal SECONDS_PER_HOUR = BigDecimal.valueOf(3600);
  private static final BigDecimal SECONDS_PER_MONTH = BigDecimal.valueOf(730L * 3600);
  private static final int SCALE = 6;

  private final PriceProperties prices;

  public VmPricing(PriceProperties prices) {
    this.prices = Objects.requireNonNull(prices, "prices");
  }

  /** Where the prices hold, as configured. */
  public String region() {
    return prices.region();
  }

  /** What {@code shape} cost for {@code alive}. */
  public VmCost cost(BilledShape shape, Duration alive) {
    if (alive.isNegative()) {
      alive = Duration.ZERO;
    }
    Optional<MachineSizes.MachineSize> size = MachineSizes.of(shape.machineType());
    if (size.isEmpty()) {
      return VmCost.lacking("the size of machine type " + shape.machineType());
    }
    String family = rateKey(shape.machineType());
    PriceProperties.MachineRates machine = prices.machines().get(family);
    if (machine == null) {
      return VmCost.lacking("autorunner.prices.machines." + family);
    }
    BigDecimal vcpu = shape.spot() ? machine.spotVcpuHour() : machine.vcpuHour();
    BigDecimal memory = shape.spot() ? machine.spotMemoryGbHour() : machine.memoryGbHour();
    if (vcpu == null || memory == null) {
      return VmCost.lacking("autorunner.prices.machines." + family + ".spot-*");
    }
    BigDecimal perHour =
        vcpu.multiply(BigDecimal.valueOf(size.get().vcpus()))
            .add(memory.multiply(size.get().memoryGb()));
    if (shape.gpuCount() > 0) {
      PriceProperties.GpuRates gpu = prices.gpus().get(shape.gpuType());
      BigDecimal rate = gpu == null ? null : shape.spot() ? gpu.spotHour() : gpu.hour();
      if (rate == null) {
        return VmCost.lacking(
            "autorunner.prices.gpus." + shape.gpuType() + (gpu == null ? "" : ".spot-hour"));
      }
      perHour = perHour.add(rate.multiply(BigDecimal.valueOf(shape.gpuCount())));
    }
    BigDecimal diskPerMonth = prices.disks().get(shape.diskType());
    if (diskPerMonth == null) {
      return VmCost.lacking("autorunner.prices.disks." + shape.diskType());
    }
    BigDecimal billed = BigDecimal.valueOf(max(alive, MINIMUM).toMillis()).movePointLeft(3);
    BigDecimal seconds = BigDecimal.valueOf(alive.toMillis()).movePointLeft(3);
    BigDecimal compute = perHour.multiply(billed).divide(SECONDS_PER_HOUR, MathContext.DECIMAL64);
    BigDecimal disk =
        diskPerMonth
            .multiply(BigDecimal.valueOf(shape.diskGb()))
            .multiply(seconds)
            .divide(SECONDS_PER_MONTH, MathContext.DECIMAL64);
    return VmCost.of(compute.add(disk).setScale(SCALE, RoundingMode.HALF_UP));
  }

  /** A family's key; custom types of a family ({@code n2-custom-8-32768}) are priced apart. */
  private static String rateKey(String machineType) {
    String family = MachineFamilies.familyOf(machineType);
    return machineType.contains("-custom-") ? family + "-custom" : family;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
