package io.autorunner.handler.status;

import io.autorunner.handler.vm.Machine;
import java.time.Instant;
import java.util.Optional;

/** What a VM has cost since GCE created it, from its shape, zone and provisioning. */
public interface CostEstimate {

  /** The cost of {@code vm} from its creation until {@code now}; empty when it cannot be told. */
  Optional<Money> soFar(Machine vm, Instant now);

  /** Without a price table nothing can be told: the page shows a dash. */
  static CostEstimate unknown() {
    return (vm, now) -> Optional.empty();
  }
}
