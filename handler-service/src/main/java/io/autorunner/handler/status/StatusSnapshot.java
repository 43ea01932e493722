package io.autorunner.handler.status;

import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.StockOuts.StockOut;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the page shows, as read at {@code at}.
 *
 * @param problems what could not be read (a scope's runners, a repository's jobs, the stock-outs):
 *     the rest of the page stands, but is not the whole truth
 */
record StatusSnapshot(
    Instant at,
    List<VmRow> vms,
    List<QueuedRow> queued,
    List<Pool> pools,
    List<StockOut> stockOuts,
    List<String> problems) {

  StatusSnapshot {
    vms = List.copyOf(vms);
    queued = List.copyOf(queued);
    pools = List.copyOf(pools);
    stockOuts = List.copyOf(stockOuts);
    problems = List.copyOf(problems);
  }

  /** A VM and what became of it so far. */
  record VmRow(Machine vm, RunnerState state, Duration age, Optional<Money> cost) {}

  /**
   * A job GitHub still holds as queued.
   *
   * @param servedBy the VM made for it, if one exists
   */
  record QueuedRow(QueuedJob job, Duration waiting, Optional<String> servedBy) {}
}
