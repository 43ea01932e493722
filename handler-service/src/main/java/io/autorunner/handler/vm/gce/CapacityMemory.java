package io.autorunner.handler.vm.gce;

import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.StockOuts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Zones recently out of capacity for a machine and GPU under one provisioning model, remembered for
 * {@code autorunner.gce.stockout-memory} so that a burst of jobs does not walk exhausted zones
 * again for every job. Each stock-out is also noted in the {@link CapacityNotes} every handler
 * instance shares, and a create first reads the notes for every step its walk may take ({@link
 * #share}), so an instance that never saw a zone run out skips it as well. A hint, not an
 * agreement: a note missed costs one refused insert, and a remembered zone is only skipped, never
 * refused, since the memory ends by itself.
 */
final class CapacityMemory {

  private final Duration memory;
  private final Clock clock;
  private final CapacityNotes shared;
  private final Map<String, Instant> outUntil = new ConcurrentHashMap<>();

  CapacityMemory(Duration memory, Clock clock, CapacityNotes shared) {
    this.memory = memory;
    this.clock = clock;
    this.shared = shared;
  }

  /**
   * GCE had no capacity for this in these zones just now (one, or a region's from a bulk insert):
   * remembered here and noted for all in one write.
   */
  void outOfCapacity(List<String> zones, RunnerSpec choice, String provisioning) {
    if (!memory.isZero()) {
      Instant until = clock.instant().plus(memory);
      Map<String, Instant> notes = new LinkedHashMap<>();
      for (String zone : zones) {
        String key = key(zone, choice, provisioning);
        outUntil.merge(key, until, CapacityMemory::later);
        notes.put(key, until);
      }
      shared.note(notes);
    }
  }

  /**
   * A stock-out GCE keeps no zone operation of (a regional bulk insert's, in these zones), for
   * every instance's status page.
   */
  void seen(List<String> zones, String vm, String message) {
    Instant now = clock.instant();
    shared.seen(
        zones.stream().map(zone -> new StockOuts.StockOut(zone, vm, now, message)).toList());
  }

  /**
   * Takes in what the other instances noted for each of these steps (one read of the shared notes),
   * before a walk over them.
   */
  void share(List<String> zones, List<RunnerSpec> choices, List<String> provisionings) {
    if (memory.isZero()) {
      return;
    }
    List<String> keys = new ArrayList<>();
    for (String provisioning : provisionings) {
      for (RunnerSpec choice : choices) {
        for (String zone : zones) {
          keys.add(key(zone, choice, provisioning));
        }
      }
    }
    shared
        .holding(keys, clock.instant())
        .forEach((k, until) -> outUntil.merge(k, until, CapacityMemory::later));
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
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
