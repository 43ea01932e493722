package io.autorunner.handler.task;

import io.autorunner.handler.vm.Machine;
import java.util.List;
import java.util.Optional;

/**
 * The ceiling on VMs, held across any number of handler instances without a lock: each create
 * checks before it inserts, and again after, against what Compute Engine lists. After the insert,
 * the VMs are ranked by GCE's creation time (ties by name), an order every instance reads the same;
 * a VM ranked at or past the cap was one too many and its create undoes it. Of two creates that
 * raced, at least one lists after both inserts, so they cannot both keep their VMs past the cap.
 * VMs on their way out (stopping, stopped) do not count: they are going within seconds.
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
    long running = existing.stream().filter(vm -> !vm.stopped()).count();
    return running >= maxInstances
        ? Optional.of(running + " VMs exist and autorunner.limits.max-instances is " + maxInstances)
        : Optional.empty();
  }

  /**
   * Why the freshly inserted VM {@code name} is one too many, or empty when it may stay. A VM the
   * listing does not show yet is ranked behind every VM it shows.
   */
  Optional<String> overflowing(String name, List<Machine> listed) {
    Optional<Machine> own = listed.stream().filter(vm -> vm.name().equals(name)).findFirst();
    long ahead =
        listed.stream()
            .filter(vm -> !vm.name().equals(name) && !vm.stopped())
            .filter(vm -> own.isEmpty() || own.get().createdAfter(vm))
            .count();
    return ahead >= maxInstances
        ? Optional.of(
            ahead
                + " VMs were made before "
                + name
                + " and autorunner.limits.max-instances is "
                + maxInstances)
        : Optional.empty();
  }

  int max() {
    return maxInstances;
  }
}
