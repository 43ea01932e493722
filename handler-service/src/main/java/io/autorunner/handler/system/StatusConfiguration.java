package io.autorunner.handler.system;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.naming.NamingProperties;
import io.autorunner.handler.cost.PriceProperties;
import io.autorunner.handler.cost.VmPricing;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.reconcile.SweepReader;
import io.autorunner.handler.reconcile.SweepSources;
import io.autorunner.handler.status.CostEstimate;
import io.autorunner.handler.status.LabelledPools;
import io.autorunner.handler.status.LogsExplorer;
import io.autorunner.handler.status.Pools;
import io.autorunner.handler.status.StatusProperties;
import io.autorunner.handler.status.StatusReader;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.RunnerMachines;
import io.autorunner.handler.vm.StockOuts;
import io.autorunner.handler.vm.gce.GceProperties;
import io.autorunner.handler.vm.gce.GceStockOuts;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The status page's sources: the reconciler's reader, GCE's stock-outs, the pools and the costs.
 * Costs are unknown until a price table is wired here; pools are read from their VMs' labels.
 */
@Configuration(proxyBeanMethods = false)
class StatusConfiguration {

  /** Spring closes the GCE adapter's client at shutdown. */
  @Bean
  StockOuts stockOuts(ComputeProperties compute, GceProperties gce, NamingProperties naming) {
    return switch (compute.mode()) {
      case GCE ->
          new GceStockOuts(
              gce, ComputeConfiguration.operationsClient(gce), new InstanceNaming(naming.prefix()));
      case DRY_RUN -> StockOuts.never();
    };
  }

  @Bean
  Pools statusPools(io.autorunner.handler.pool.Pools configured) {
    return new LabelledPools(configured);
  }

  @Bean
  CostEstimate costEstimate(PriceProperties prices) {
    return CostEstimate.pricedBy(new VmPricing(prices));
  }

  @Bean
  StatusReader statusReader(
      RunnerMachines machines,
      GitHubActions github,
      NamingProperties naming,
      SweepSources sources,
      StockOuts stockOuts,
      CapacityNotes notes,
      Pools pools,
      CostEstimate costs,
      StatusProperties status,
      Clock clock) {
    SweepReader sweep =
        new SweepReader(machines, github, new InstanceNaming(naming.prefix()), sources);
    // GCE's zone operations, and the regional bulk inserts' stock-outs the seeker noted.
    return new StatusReader(
        sweep, StockOuts.withNotes(stockOuts, notes), pools, costs, status, clock);
  }

  /**
   * The project of {@code autorunner.status.logs-project}, else the VMs' (where a local run's
   * stand-in name is no project id, the page links to no logs).
   */
  @Bean
  LogsExplorer logsExplorer(StatusProperties status, GceProperties gce) {
    String project = status.logsProject();
    if (project.isEmpty() && gce.project() != null) {
      String vms = gce.project().trim();
      project = StatusProperties.validProject(vms) ? vms : "";
    }
    return new LogsExplorer(project, status.handlerService(), status.schedulerService());
  }
}
