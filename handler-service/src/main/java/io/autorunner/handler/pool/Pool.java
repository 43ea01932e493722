package io.autorunner.handler.pool;

import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.PoolScope;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * One warm pool, checked: its VMs are ordinary single-use runners of {@code spec}, registered in
 * {@code scope}, {@code size} of them idle while the schedule is open, none outside it.
 */
public record Pool(
    String name,
    RunnerSpec spec,
    int size,
    PoolScope scope,
    PoolSchedule schedule,
    Duration maxIdle) {

  public Pool {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(schedule, "schedule");
    Objects.requireNonNull(maxIdle, "maxIdle");
  }

  /** The labels its runners register with. */
  public List<String> labels() {
    return spec.labels();
  }

  /** How many idle runners it wants at {@code now}: its size in a window, else none. */
  public int wanted(Instant now) {
    return schedule.isOpen(now) ? size : 0;
  }

  /** True for a VM of this pool (labelled so when made, or when adopted). */
  public boolean owns(Machine vm) {
    return vm.pool().map(name::equals).orElse(false);
  }

  /**
   * True when a VM's runner registers with exactly this pool's labels, so it can serve as one of
   * its runners.
   */
  public boolean fits(List<String> runnerLabels) {
    return lower(runnerLabels).equals(lower(labels()));
  }

  private static Set<String> lower(List<String> labels) {
    Set<String> set = new HashSet<>();
    labels.forEach(l -> set.add(l.toLowerCase(Locale.ROOT)));
    return set;
  }

  @Override
  public String toString() {
    return name + " (" + size + "x " + String.join(",", labels()) + ", " + schedule + ")";
  }
}
