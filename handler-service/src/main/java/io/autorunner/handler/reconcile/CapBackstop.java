package io.autorunner.handler.reconcile;

import io.autorunner.handler.task.InstanceCap;
import io.autorunner.handler.vm.Machine;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The cap's backstop: the VMs past {@code max-instances} in creation order (ties by name, as every
 * create ranks them), that stood over it longer than a create needs to notice and undo its own
 * overshoot. Busy and stopped VMs are not among them (a stopped one goes for being stopped).
 *
 * @param maxInstances {@code autorunner.limits.max-instances}
 * @param settle {@code autorunner.limits.settle-window}
 */
record CapBackstop(int maxInstances, Duration settle) {

  /** The VMs to take back, of those the sweep kept. */
  List<Machine> overCap(List<Machine> kept, SweepView view, Instant now) {
    List<Machine> ranked = kept.stream().sorted(InstanceCap.CREATION_ORDER).toList();
    return ranked.subList(Math.min(maxInstances, ranked.size()), ranked.size()).stream()
        .filter(vm -> !vm.stopped())
        .filter(vm -> view.runnerOf(vm).map(r -> !r.busy()).orElse(true))
        .filter(vm -> vm.age(now).compareTo(settle) > 0)
        .toList();
  }

  String reason() {
    return "over autorunner.limits.max-instances=" + maxInstances;
  }
}
