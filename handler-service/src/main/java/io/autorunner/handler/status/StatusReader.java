package io.autorunner.handler.status;

import io.autorunner.handler.github.QueuedJob;
import io.autorunner.handler.reconcile.SweepReader;
import io.autorunner.handler.reconcile.SweepView;
import io.autorunner.handler.task.RunnerOwnership;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.StockOuts;
import io.autorunner.handler.vm.StockOuts.StockOut;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Reads what the page shows, through the reconciler's reader (the same VMs, runners and queued jobs
 * a sweep acts on, and nothing changed), GCE's stock-outs, the pools and the costs. One read serves
 * every request for half the refresh period: a wall of open tabs costs GitHub one read per period
 * per instance, not one per tab.
 */
public final class StatusReader {

  private final SweepReader sweep;
  private final StockOuts stockOuts;
  private final Pools pools;
  private final CostEstimate costs;
  private final Duration stockOutWindow;
  private final Duration reuse;
  private final Clock clock;

  private StatusSnapshot last;

  public StatusReader(
      SweepReader sweep,
      StockOuts stockOuts,
      Pools pools,
      CostEstimate costs,
      StatusProperties settings,
      Clock clock) {
    this.sweep = Objects.requireNonNull(sweep, "sweep");
    this.stockOuts = Objects.requireNonNull(stockOuts, "stockOuts");
    this.pools = Objects.requireNonNull(pools, "pools");
    this.costs = Objects.requireNonNull(costs, "costs");
    this.stockOutWindow = settings.stockOutWindow();
    this.reuse = settings.refresh().dividedBy(2);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The page's content now, or as read less than half a refresh period ago.
   *
   * @throws ComputeException when GCE cannot be listed: without the VMs the page would lie
   */
  synchronized StatusSnapshot current() {
    Instant now = clock.instant();
    if (last == null || !last.at().plus(reuse).isAfter(now)) {
      last = read(now);
    }
    return last;
  }

  private StatusSnapshot read(Instant now) {
    List<String> problems = new ArrayList<>();
    Set<String> unreadScopes = new HashSet<>();
    SweepView view =
        sweep.read(
            new SweepReader.Failures() {
              @Override
              public void failedScope(String scope, String reason) {
                unreadScopes.add(scope);
                problems.add("runners of " + scope + " not listed: " + reason);
              }

              @Override
              public void failedQueuedListing(String repository, String reason) {
                problems.add("queued jobs of " + repository + " not listed: " + reason);
              }
            });
    List<StatusSnapshot.VmRow> vms = new ArrayList<>();
    for (Machine vm : view.vms()) {
      boolean runnersRead =
          vm.job().map(job -> !unreadScopes.contains(RunnerOwnership.scope(job))).orElse(true);
      vms.add(
          new StatusSnapshot.VmRow(
              vm,
              RunnerState.of(vm, view.runnerOf(vm), runnersRead),
              vm.age(now),
              costs.soFar(vm, now)));
    }
    vms.sort(Comparator.comparing((StatusSnapshot.VmRow row) -> row.vm().created()).reversed());
    return new StatusSnapshot(
        now, vms, queued(view, now), pools.pools(view, now), stockOuts(now, problems), problems);
  }

  private static List<StatusSnapshot.QueuedRow> queued(SweepView view, Instant now) {
    List<StatusSnapshot.QueuedRow> rows = new ArrayList<>();
    for (QueuedJob job : view.queued()) {
      Optional<String> vm =
          view.vms().stream()
              .filter(m -> m.job().map(j -> j.jobId() == job.job().jobId()).orElse(false))
              .map(Machine::name)
              .findFirst();
      rows.add(new StatusSnapshot.QueuedRow(job, Duration.between(job.createdAt(), now), vm));
    }
    rows.sort(Comparator.comparing(StatusSnapshot.QueuedRow::waiting).reversed());
    return rows;
  }

  private List<StockOut> stockOuts(Instant now, List<String> problems) {
    try {
      return stockOuts.since(now.minus(stockOutWindow));
    } catch (ComputeException e) {
      problems.add("stock-outs not read: " + e.getMessage());
      return List.of();
    }
  }
}
