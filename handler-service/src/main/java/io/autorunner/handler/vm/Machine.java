package io.autorunner.handler.vm;

import io.autorunner.common.task.JobRef;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A VM as the compute port sees it.
 *
 * @param status its lifecycle state, as GCE reported it
 * @param labels the VM's labels (job id, run id, repository, managed-by)
 * @param created when GCE created it; the epoch for a VM that does not say (so it is judged old)
 * @param job the job it was made for, from its metadata; null for a VM that does not say
 */
public record Machine(
    String name,
    String zone,
    InstanceStatus status,
    Map<String, String> labels,
    Instant created,
    JobRef job) {
  public Machine {
    Objects.requireNonNull(status, "status");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    created = created == null ? Instant.EPOCH : created;
  }

  /** The runner registered for this VM, from its label; empty for a VM made without one. */
  public OptionalLong runnerId() {
    String id = labels.get(MachineLabels.RUNNER_ID);
    if (id == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(id));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** True for a VM that no longer runs (or is going). */
  public boolean stopped() {
    return status.stopped();
  }

  /** Whether it runs as Spot: every VM does unless labelled otherwise by the standard fallback. */
  public boolean spot() {
    return !"false".equals(labels.get(MachineLabels.SPOT));
  }
}
