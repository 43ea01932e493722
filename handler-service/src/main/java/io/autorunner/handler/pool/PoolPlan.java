package io.autorunner.handler.pool;

import io.autorunner.common.naming.InstanceNaming;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.vm.Machine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What keeping one pool takes now, from what GCE and GitHub list: a pure function, so that every
 * handler instance and every overlapping sweep plans alike. A pool VM is <em>ready</em> while it
 * boots (no runner handed out yet) or idles (its runner online or starting, not busy); one whose
 * runner took a job, or ran one and left, no longer counts. Ready VMs idle past {@code max-idle}
 * are recycled; beyond what the pool wants now (its size in a window, none outside) the oldest go;
 * short of it, the lowest free place numbers are made, so two plans that see the same gap name the
 * same VMs and GCE lets only one insert each.
 *
 * @param ready the pool's VMs that count
 * @param retire VMs to take back, each with its reason
 * @param create names of the VMs to make
 */
public record PoolPlan(List<Machine> ready, Map<Machine, String> retire, List<String> create) {

  public PoolPlan {
    ready = List.copyOf(ready);
    retire = Map.copyOf(retire);
    create = List.copyOf(create);
  }

  /**
   * @param listed every VM GCE lists (all pools, all jobs: place numbers must not collide)
   * @param runners our runners by name, as GitHub lists them in the pool's scope
   */
  public static PoolPlan of(
      Pool pool,
      List<Machine> listed,
      Map<String, GitHubRunner> runners,
      InstanceNaming naming,
      Instant now) {
    List<Machine> ready = new ArrayList<>();
    Map<Machine, String> retire = new java.util.LinkedHashMap<>();
    for (Machine vm : listed) {
      if (!pool.owns(vm) || vm.stopped() || vm.retiring()) {
        continue;
      }
      GitHubRunner runner = runners.get(vm.name());
      boolean booting = vm.runnerId().isEmpty();
      boolean idle = runner != null && !runner.busy();
      if (!booting && !idle) {
        continue; // busy, or done and about to go with its job's completion
      }
      if (idle && vm.age(now).compareTo(pool.maxIdle()) > 0) {
        retire.put(vm, "idle in pool " + pool.name() + " past max-idle " + pool.maxIdle());
        continue;
      }
      ready.add(vm);
    }
    int wanted = pool.wanted(now);
    ready.sort(Comparator.comparing(Machine::created).thenComparing(Machine::name));
    while (ready.size() > wanted) {
      Machine surplus = ready.remove(0);
      retire.put(
          surplus,
          wanted == 0
              ? "pool " + pool.name() + " is outside its schedule (" + pool.schedule() + ")"
              : "pool " + pool.name() + " has more than " + wanted + " ready");
    }
    Set<String> taken = new HashSet<>();
    listed.forEach(vm -> taken.add(vm.name()));
    List<String> create = new ArrayList<>();
    for (int n = 1; ready.size() + create.size() < wanted; n++) {
      String name = naming.poolInstanceName(pool.name(), n);
      if (!taken.contains(name)) {
        create.add(name);
      }
    }
    return new PoolPlan(ready, retire, create);
  }
}
