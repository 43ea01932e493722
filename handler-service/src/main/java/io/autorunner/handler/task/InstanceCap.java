package io.autorunner.handler.task;

import io.autorunner.handler.vm.Machine;
import java.util.List;
import java.util.Optional;

/**
 * The ceiling on VMs, held across any number of handler instances without a lock: each create
 * checks before it inserts, and again after, against what Compute Engine lists. After its insert, a
 * create keeps its VM only if the listing, which now shows it, shows no more than the cap. Of
 * creates that raced, the one that listed last saw every VM the others kept (each was listed by GCE
 * before its own create listed), so the VMs kept never exceed the cap; racing creates may all give
 * up their VMs, and then retry. Creation order is not used to pick a winner: a VM inserted earlier
 * may show up in listings later than one inserted after it. Every VM that exists counts, stopped
 * ones too, until it is deleted.
 */
final class InstanceCap {

  private final int maxInstances;

  InstanceCap(int maxInstances) {
    if (maxInstances < 1) {
      throw new IllegalArgumentException("max instances must be at least 1");
    }
    this.maxInstances = maxInstances;
  }

  /** Why no VM may be added to {@code existing}, or empty when there is room. */
  Optional<String> full(List<Machine> existing) {
    return existing.size() >= maxInstances
        ? Optional.of(
            existing.size() + " VMs exist and autorunner.limits.max-instances is " + maxInstances)
        : Optional.empty();
  }

  /**
   * Why the freshly inserted VM {@code name} is one too many, or empty when it may stay. A VM the
   * listing does not show yet is counted on top of what it shows.
   */
  Optional<String> overflowing(String name, List<Machine> listed) {
    boolean shown = listed.stream().anyMatch(vm -> vm.name().equals(name));
    int count = listed.size() + (shown ? 0 : 1);
    return count > maxInstances
        ? Optional.of(
            count
                + " VMs exist with "
                + name
                + " and autorunner.limits.max-instances is "
                + maxInstances)
        : Optional.empty();
  }

  int max() {
    return maxInstances;
  }
}
