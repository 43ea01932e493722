package io.autorunner.handler.vm;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The inserts Compute Engine refused for want of capacity, as GCE itself keeps them (its zone
 * operations outlive the attempt), so every handler instance reads the same. Adapters: {@code
 * GceStockOuts}; the dry run never runs out.
 */
public interface StockOuts {

  /** A refused insert: the zone, the VM it was for, when, and GCE's words. */
  record StockOut(String zone, String vm, Instant at, String message) {
    public StockOut {
      Objects.requireNonNull(zone, "zone");
      Objects.requireNonNull(vm, "vm");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(message, "message");
    }
  }

  /**
   * The stock-outs of our VMs' inserts since {@code since}, newest first.
   *
   * @throws ComputeException.Transient when GCE cannot be read
   */
  List<StockOut> since(Instant since);

  /**
   * These and the ones {@code notes} kept (a regional bulk insert's), newest first, each VM's
   * stock-out in a zone once.
   */
  static StockOuts withNotes(StockOuts gce, CapacityNotes notes) {
    return since -> {
      Map<String, StockOut> merged = new LinkedHashMap<>();
      for (StockOut seen : gce.since(since)) {
        merged.putIfAbsent(seen.zone() + " " + seen.vm(), seen);
      }
      for (StockOut seen : notes.seenSince(since)) {
        merged.putIfAbsent(seen.zone() + " " + seen.vm(), seen);
      }
      return merged.values().stream()
          .sorted(Comparator.comparing(StockOut::at).reversed())
          .toList();
    };
  }

  /** Where nothing is ever inserted (the dry run), nothing runs out. */
  static StockOuts never() {
    return since -> List.of();
  }
}
