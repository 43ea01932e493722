package io.autorunner.handler.vm.gce;

import io.autorunner.common.policy.RunnerSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Zones recently out of capacity for a machine and GPU under one provisioning model, remembered for
 * {@code autorunner.gce.stockout-memory} so that a burst of jobs does not walk exhausted zones
 * again for every job. A hint held by each handler instance, not an agreement: an instance that has
 * not seen a stock-out tries the zone once and learns it, and a remembered zone is only skipped,
 * never refused, since the memory ends by itself.
 */
final class CapacityMemory {

  private final Duration memory;
  private final Clock clock;
  private final Map<String, Instant> outUntil = new ConcurrentHashMap<>();

  CapacityMemory(Duration memory, Clock clock) {
    this.memory = memory;
    this.clock = clock;
  }

  /** GCE had no capacity for this in the zone just now. */
  void outOfCapacity(String zone, RunnerSpec choice, String provisioning) {
    if (!memory.isZero()) {
      outUntil.put(key(zone, choice, provisioning), clock.instant().plus(memory));
    }
  }

  /** Until when the zone is skipped for this, if it is. */
  Optional<Instant> skipped(String zone, RunnerSpec choice, String provisioning) {
    String key = key(zone, choice, provisioning);
    Instant until = outUntil.get(key);
    if (until == null) {
      return Optional.empty();
    }
    if (!until.isAfter(clock.instant())) {
      outUntil.remove(key, until);
      return Optional.empty();
    }
    return Optional.of(until);
  }

  /** What is remembered now, for the status page and the log: "zone machine[+gpu] model". */
  List<String> remembered() {
    Instant now = clock.instant();
    return outUntil.entrySet().stream()
        .filter(e -> e.getValue().isAfter(now))
        .map(Map.Entry::getKey)
        .sorted()
        .toList();
  }

  private static String key(String zone, RunnerSpec choice, String provisioning) {
    return zone
        + " "
        + choice.machineType()
        + (choice.hasGpu()
            ? "+" + choice.accelerator().count() + "x" + choice.accelerator().type()
            : "")
        + " "
        + provisioning;
  }
}
