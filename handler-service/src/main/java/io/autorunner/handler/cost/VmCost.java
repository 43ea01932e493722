package io.autorunner.handler.cost;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * What one VM's life cost, or why it could not be priced.
 *
 * @param usd the estimate in USD; empty when the price table lacks an entry
 * @param unpriced what was missing ({@code autorunner.prices.machines.g2}), empty when priced
 */
public record VmCost(Optional<BigDecimal> usd, String unpriced) {

  public VmCost {
    Objects.requireNonNull(usd, "usd");
    Objects.requireNonNull(unpriced, "unpriced");
    if (usd.isPresent() == !unpriced.isEmpty()) {
      throw new IllegalArgumentException("a cost is either priced or says what it lacks");
    }
  }

  static VmCost of(BigDecimal usd) {
    return new VmCost(Optional.of(usd), "");
  }

  static VmCost lacking(String what) {
    return new VmCost(Optional.empty(), what);
  }
}
