package io.autorunner.handler.status;

import io.autorunner.handler.cost.VmCost;
import io.autorunner.handler.cost.VmPricing;
import io.autorunner.handler.vm.Machine;
import java.time.Instant;
import java.util.Optional;

/** What a VM has cost since GCE created it, from its shape, zone and provisioning. */
public interface CostEstimate {

  /** The cost of {@code vm} from its creation until {@code now}; empty when it cannot be told. */
  Optional<Money> soFar(Machine vm, Instant now);

  /**
   * Priced from the VM's labels (its machine, GPUs, disk, Spot or not) at the price table's rates,
   * the same figure its deletion logs; a dash for a VM whose labels or the table do not say.
   */
  static CostEstimate pricedBy(VmPricing pricing) {
    return (vm, now) ->
        vm.billedShape()
            .map(shape -> pricing.cost(shape, vm.age(now)))
            .flatMap(VmCost::usd)
            .map(usd -> new Money(usd, "USD"));
  }

  /** Without a price table nothing can be told: the page shows a dash. */
  static CostEstimate unknown() {
    return (vm, now) -> Optional.empty();
  }
}
