package io.autorunner.handler.system;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.naming.NamingProperties;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingProperties;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.cost.PriceProperties;
import io.autorunner.handler.cost.VmPricing;
import io.autorunner.handler.github.AppInstallations;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubProperties;
import io.autorunner.handler.github.RunnerGroups;
import io.autorunner.handler.github.WebhookRedeliveries;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.pool.PendingCreates;
import io.autorunner.handler.pool.Pools;
import io.autorunner.handler.pool.PoolsProperties;
import io.autorunner.handler.reconcile.GitHubSweepSources;
import io.autorunner.handler.reconcile.PeriodicReconcile;
import io.autorunner.handler.reconcile.ReconcileProperties;
import io.autorunner.handler.reconcile.Reconciler;
import io.autorunner.handler.reconcile.SweepSources;
import io.autorunner.handler.task.InstanceCap;
import io.autorunner.handler.task.LifecycleCounters;
import io.autorunner.handler.task.MachineLog;
import io.autorunner.handler.task.PoolTopUp;
import io.autorunner.handler.task.PreemptionProperties;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.vm.HandoutAddress;
import io.autorunner.handler.vm.RunnerMachines;
import io.autorunner.handler.vm.gce.GceProperties;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The task flows (create, delete, release) and the reconciler that catches what they missed. */
@Configuration(proxyBeanMethods = false)
class LifecycleConfiguration {

  @Bean
  StartupScripts startupScripts(GitHubProperties github) {
    return new StartupScripts(github);
  }

  @Bean
  LifecycleCounters lifecycleCounters() {
    return new LifecycleCounters();
  }

  /** The warm pools, checked against the label policy and the allow-lists at start. */
  @Bean
  Pools pools(
      PoolsProperties pools,
      PolicyProperties policy,
      GceProperties gce,
      RoutingProperties routing) {
    return Pools.of(pools, new LabelPolicy(policy, gce.zones()), routing.rules());
  }

  @Bean
  PoolTopUp poolTopUp(
      Pools pools,
      RunnerMachines machines,
      GitHubActions github,
      StartupScripts scripts,
      HandoutAddress handout,
      LimitsProperties limits,
      NamingProperties naming,
      LifecycleCounters counters,
      MachineLog machineLog,
      PendingCreates pending,
      Clock clock) {
    return new PoolTopUp(
        pools,
        machines,
        github,
        scripts,
        handout,
        limits.maxInstances(),
        new InstanceNaming(naming.prefix()),
        counters,
        machineLog,
        pending,
        clock);
  }

  /** The line each VM's creation and deletion logs, its cost priced from the price table. */
  @Bean
  MachineLog machineLog(PriceProperties prices, Clock clock) {
    return new MachineLog(new VmPricing(prices), clock);
  }

  /**
   * The labels are read with the zones VMs are made in, so that with no {@code
   * autorunner.policy.allowed-zones} a {@code zone=} label cannot pick a zone outside them.
   */
  @Bean
  RunnerLifecycle runnerLifecycle(
      PolicyProperties policy,
      GceProperties gce,
      RoutingProperties routing,
      RunnerMachines machines,
      GitHubActions github,
      StartupScripts scripts,
      HandoutAddress handout,
      LimitsProperties limits,
      PreemptionProperties preemption,
      LifecycleCounters counters,
      ReplacementLedger ledger,
      PoolTopUp pools,
      MachineLog machineLog,
      Clock clock) {
    return new RunnerLifecycle(
        new LabelPolicy(policy, gce.zones()),
        routing.rules(),
        machines,
        github,
        scripts,
        handout,
        new InstanceCap(limits.maxInstances(), limits.settleWindow(), clock),
        preemption,
        counters,
        ledger,
        pools,
        machineLog);
  }

  @Bean
  SweepSources sweepSources(
      AppInstallations installations,
      WebhookRedeliveries redeliveries,
      RunnerGroups groups,
      ReconcileProperties reconcile,
      RoutingProperties routing) {
    return new GitHubSweepSources(
        installations,
        redeliveries,
        groups,
        routing.rules(),
        reconcile.repositories(),
        reconcile.redeliverWindow());
  }

  @Bean
  Reconciler reconciler(
      RoutingProperties routing,
      RunnerMachines machines,
      GitHubActions github,
      RunnerLifecycle lifecycle,
      ReplacementLedger ledger,
      NamingProperties naming,
      ReconcileProperties reconcile,
      LimitsProperties limits,
      SweepSources sources,
      PoolTopUp pools,
      Clock clock,
      MachineLog machineLog) {
    return new Reconciler(
        machines,
        github,
        lifecycle,
        ledger,
        new InstanceNaming(naming.prefix()),
        reconcile,
        routing.rules(),
        limits.maxInstances(),
        limits.settleWindow(),
        sources,
        pools,
        clock,
        machineLog);
  }

  /** Only where something must call the reconciler in-process; see {@link PeriodicReconcile}. */
  @Bean
  PeriodicReconcile periodicReconcile(Reconciler reconciler, ReconcileProperties reconcile) {
    return new PeriodicReconcile(reconciler, reconcile.every());
  }
}
