package io.autorunner.handler.status;

import io.autorunner.handler.reconcile.SweepView;
import io.autorunner.handler.vm.Machine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The pools as GCE holds them: our VMs carrying the {@value #POOL_LABEL} label, grouped by its
 * value, each with its members' states and shapes. What a pool is meant to hold (its size, its
 * labels) is configuration, not read here.
 */
public final class LabelledPools implements Pools {

  /** The label naming the pool a VM belongs to. */
  public static final String POOL_LABEL = "autorunner-pool";

  @Override
  public List<Pool> pools(SweepView view, Instant now) {
    Map<String, List<Machine>> byPool = new TreeMap<>();
    for (Machine vm : view.vms()) {
      String pool = vm.labels().get(POOL_LABEL);
      if (pool != null && !pool.isBlank()) {
        byPool.computeIfAbsent(pool, p -> new ArrayList<>()).add(vm);
      }
    }
    List<Pool> pools = new ArrayList<>();
    byPool.forEach((name, vms) -> pools.add(pool(name, vms, view)));
    return pools;
  }

  private static Pool pool(String name, List<Machine> vms, SweepView view) {
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
        vms.size() + (vms.size() == 1 ? " VM: " : " VMs: ") + counts + "; " + shapes,
        vms.stream().map(Machine::name).sorted().toList());
  }
}
