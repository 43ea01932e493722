package io.autorunner.handler.reconcile;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.task.PoolTopUp;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.testing.Fixtures;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** One handler instance's reconciler as the tests run it: names of prefix {@code ghr}. */
final class TestReconcilers {

  private TestReconcilers() {}

  /**
   * A boot timeout of 10 min, 7 h a VM's life at most, 10 min for an orphan runner, 5 min before a
   * queued job without a VM is the sweep's, 2 replacements a job, 5 creates a sweep, a cap settling
   * in 15 s.
   */
  static Reconciler of(
      RunnerMachines machines,
      GitHubActions github,
      RunnerLifecycle lifecycle,
      ReplacementLedger ledger,
      RoutingRules routing,
      int maxInstances,
      SweepSources sources,
      PoolTopUp pools,
      Clock clock) {
    return new Reconciler(
        machines,
        github,
        lifecycle,
        ledger,
        new InstanceNaming("ghr"),
        new ReconcileProperties(
            Duration.ofMinutes(10),
            Duration.ofHours(7),
            Duration.ofMinutes(10),
            Duration.ofMinutes(5),
            2,
            5,
            List.of(),
            Duration.ofHours(1),
            null),
        routing,
        maxInstances,
        Duration.ofSeconds(15),
        sources,
        pools,
        clock,
        Fixtures.machineLog(clock));
  }
}
