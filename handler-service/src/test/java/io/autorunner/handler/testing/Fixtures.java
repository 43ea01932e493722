package io.autorunner.handler.testing;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.cost.PriceProperties;
import io.autorunner.handler.cost.VmPricing;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubProperties;
import io.autorunner.handler.github.RunnerRegistry;
import io.autorunner.handler.ledger.ReplacementLedger;
import io.autorunner.handler.pool.LocalPendingCreates;
import io.autorunner.handler.pool.PendingCreates;
import io.autorunner.handler.pool.Pools;
import io.autorunner.handler.task.InstanceCap;
import io.autorunner.handler.task.LifecycleCounters;
import io.autorunner.handler.task.MachineLog;
import io.autorunner.handler.task.PoolTopUp;
import io.autorunner.handler.task.PreemptionProperties;
import io.autorunner.handler.task.RunnerLifecycle;
import io.autorunner.handler.vm.RunnerMachines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.util.Properties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Configuration records as the handler's defaults make them. */
public final class Fixtures {

  private Fixtures() {}

  /**
   * The warm pools' keeper over these ports, with names of prefix {@code ghr}, sharing {@code
   * pending} with other instances'.
   */
  public static PoolTopUp pools(
      Pools pools,
      RunnerMachines machines,
      RunnerRegistry github,
      int maxInstances,
      LifecycleCounters counters,
      PendingCreates pending,
      Clock clock) {
    return new PoolTopUp(
        pools,
        machines,
        github,
        new StartupScripts(githubProperties()),
        InMemoryMachines.HANDOUT,
        maxInstances,
        new InstanceNaming("ghr"),
        counters,
        machineLog(clock),
        pending,
        clock);
  }

  /** No pools. */
  public static PoolTopUp noPools(RunnerMachines machines, RunnerRegistry github) {
    return pools(
        Pools.none(),
        machines,
        github,
        1,
        new LifecycleCounters(),
        new LocalPendingCreates(),
        Clock.systemUTC());
  }

  /**
   * One instance's VM flows with the default label policy, a cap of {@code maxInstances} and no
   * re-run on standard VMs.
   */
  public static RunnerLifecycle lifecycle(
      RunnerMachines machines,
      GitHubActions github,
      RoutingRules rules,
      int maxInstances,
      ReplacementLedger ledger,
      PoolTopUp pools,
      Clock clock) {
    return new RunnerLifecycle(
        new LabelPolicy(PolicyProperties.defaults()),
        rules,
        machines,
        github,
        new StartupScripts(githubProperties()),
        InMemoryMachines.HANDOUT,
        new InstanceCap(maxInstances),
        new PreemptionProperties(1, false),
        new LifecycleCounters(),
        ledger,
        pools,
        machineLog(clock));
  }

  public static GitHubProperties githubProperties() {
    return new GitHubProperties(
        URI.create("https://api.github.com"),
        "token",
        null,
        null,
        "autorunner",
        true,
        "2.335.1",
        "4ef2f25285f0ae4477f1fe1e346db76d2f3ebf03824e2ddd1973a2819bf6c8cf",
        "eb65c95277af42bcf3778a799c41359d224ba2a67b4de26b7cea1729b09c803d",
        "https://github.com/actions/runner/releases/download/vVERSION/FILE");
  }

  /** The price table the handler ships: its application.properties, bound as Spring binds it. */
  public static PriceProperties prices() {
    Properties shipped = new Properties();
    try (InputStream in = Fixtures.class.getResourceAsStream("/application.properties")) {
      shipped.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Binder(new MapConfigurationPropertySource(shipped))
        .bind("autorunner.prices", PriceProperties.class)
        .get();
  }

  public static MachineLog machineLog(Clock clock) {
    return new MachineLog(new VmPricing(prices()), clock);
  }
}
