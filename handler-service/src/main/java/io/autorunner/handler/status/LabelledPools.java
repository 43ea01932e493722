package io.autorunner.handler.status;

import io.autorunner.handler.reconcile.SweepView;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The pools as configured and as GCE holds them: each configured pool with what it wants now (its
 * size inside its schedule, none outside) and its labels, and our VMs carrying the {@value
 * #POOL_LABEL} label grouped by its value, with their states and shapes. A label naming no
 * configured pool (one removed from the configuration) is shown too, so its VMs are not hidden.
 */
public final class LabelledPools implements Pools {

  /** The label naming the pool a VM belongs to. */
  public static final String POOL_LABEL = MachineLabels.POOL;

  private final io.autorunner.handler.pool.Pools configured;

  public LabelledPools(io.autorunner.handler.pool.Pools configured) {
    this.configured = configured;
  }

  /** Only what the labels say: no configuration. */
  public LabelledPools() {
    this(io.autorunner.handler.pool.Pools.none());
  }

  @Override
  public List<Pool> pools(SweepView view, Instant now) {
    Map<String, List<Machine>> byPool = new TreeMap<>();
    configured.all().forEach(p -> byPool.put(p.name(), new ArrayList<>()));
    for (Machine vm : view.vms()) {
      String pool = vm.labels().get(POOL_LABEL);
      if (pool != null && !pool.isBlank()) {
        byPool.computeIfAbsent(pool, p -> new ArrayList<>()).add(vm);
      }
    }
    List<Pool> pools = new ArrayList<>();
    byPool.forEach((name, vms) -> pools.add(pool(name, vms, view, now)));
    return pools;
  }

  private Pool pool(String name, List<Machine> vms, SweepView view, Instant now) {
    String wants =
        configured
            .named(name)
            .map(
                p ->
                    "wants "
                        + p.wanted(now)
                        + " ready ("
                        + p.size()
                        + " in "
                        + p.schedule()
                        + ") of "
                        + String.join(",", p.labels())
                        + "; ")
            .orElse("not configured; ");
    Map<RunnerState, Integer> states = new EnumMap<>(RunnerState.class);
    for (Machine vm : vms) {
      states.merge(RunnerState.of(vm, view.runnerOf(vm), true), 1, Integer::sum);
    }
    String counts =
        states.entrySet().stream()
            .map(e -> e.getValue() + " " + e.getKey())
            .collect(Collectors.joining(", "));
    String shapes =
        vms.stream().map(vm -> vm.shape().toString()).distinct().collect(Collectors.joining(", "));
    return new Pool(
        name,
        wants
            + vms.size()
            + (vms.size() == 1 ? " VM" : " VMs")
            + (vms.isEmpty() ? "" : ": " + counts + "; " + shapes),
        vms.stream().map(Machine::name).sorted().toList());
  }
}
