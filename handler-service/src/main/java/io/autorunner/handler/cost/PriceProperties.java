package io.autorunner.handler.cost;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import java.math.BigDecimal;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.prices.*}: USD list prices of one region, standard and Spot, that a VM's life
 * is priced with when it is deleted. The defaults (the handler's {@code application.properties},
 * sources and date in the README) are {@code us-central1}'s; Spot prices change as often as daily,
 * so operators who need the bill to the cent read Cloud Billing's export, which these figures only
 * estimate.
 *
 * @param region where these prices hold; written beside each cost
 * @param machines per machine family ({@code n1}, {@code e2}; {@code n2-custom} for custom types of
 *     a family, which GCE prices apart)
 * @param gpus per GPU type ({@code nvidia-tesla-t4})
 * @param disks per disk type ({@code pd-balanced}): USD per GB-month
 */
@Validated
@ConfigurationProperties("autorunner.prices")
public record PriceProperties(
    @DefaultValue("us-central1") String region,
    Map<String, @Valid MachineRates> machines,
    Map<String, @Valid GpuRates> gpus,
    Map<String, @PositiveOrZero BigDecimal> disks) {

  public PriceProperties {
    machines = machines == null ? Map.of() : Map.copyOf(machines);
    gpus = gpus == null ? Map.of() : Map.copyOf(gpus);
    disks = disks == null ? Map.of() : Map.copyOf(disks);
  }

  /**
   * USD per vCPU-hour and per GB-hour of memory, standard and Spot. The Spot rates may be left out
   * (no source for them): a Spot VM of the family is then not priced.
   */
  public record MachineRates(
      @NotNull @PositiveOrZero BigDecimal vcpuHour,
      @NotNull @PositiveOrZero BigDecimal memoryGbHour,
      @PositiveOrZero BigDecimal spotVcpuHour,
      @PositiveOrZero BigDecimal spotMemoryGbHour) {}

  /** USD per GPU-hour, standard and Spot (which may be left out, as for machines). */
  public record GpuRates(
      @NotNull @PositiveOrZero BigDecimal hour, @PositiveOrZero BigDecimal spotHour) {}
}
