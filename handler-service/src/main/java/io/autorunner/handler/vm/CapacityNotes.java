package io.autorunner.handler.vm;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Where capacity was out lately, shared by every handler instance: a burst of jobs lands on several
 * instances at once (Cloud Tasks sends up to ten at a time, Cloud Run spreads them), and a zone one
 * of them found exhausted should be skipped by all of them, not tried once more by each. Each note
 * is a key the seeker makes (zone, machine and GPU, provisioning model) and the time until which it
 * holds.
 *
 * <p>A hint, not an agreement: a note read late, or lost, costs one more insert that GCE refuses;
 * so an adapter that cannot reach its store says so in the log and answers as if it knew nothing,
 * rather than failing the create.
 */
public interface CapacityNotes {

  /** The notes among {@code keys} that still hold at {@code now}, each with when it ends. */
  Map<String, Instant> holding(Collection<String> keys, Instant now);

  /** Capacity for each key was out just now; skip it until its time. */
  void note(Map<String, Instant> untilByKey);

  /**
   * A stock-out GCE keeps no zone operation of (a regional bulk insert's, whose operation is the
   * region's), kept a while for every instance's status page beside those read from GCE.
   */
  default void seen(List<StockOuts.StockOut> stockOuts) {}

  /** The stock-outs {@link #seen} since {@code since}, newest first. */
  default List<StockOuts.StockOut> seenSince(Instant since) {
    return List.of();
  }

  /** Each instance for itself: nothing shared (one process, the local default). */
  static CapacityNotes none() {
    return new CapacityNotes() {
      @Override
      public Map<String, Instant> holding(Collection<String> keys, Instant now) {
        return Map.of();
      }

      @Override
      public void note(Map<String, Instant> untilByKey) {}
    };
  }
}
