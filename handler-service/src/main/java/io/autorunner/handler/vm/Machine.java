package io.autorunner.handler.vm;

import io.autorunner.common.task.JobRef;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A VM as the compute port sees it.
 *
 * @param status GCE's status word (PROVISIONING, STAGING, RUNNING, STOPPING, TERMINATED…)
 * @param labels the VM's labels (job id, run id, repository, managed-by)
 * @param created when GCE created it; the epoch for a VM that does not say (so it is judged old)
 * @param job the job it was made for, from its metadata; null for a VM that does not say
 */
public record Machine(
    String name,
    String zone,
    String status,
    Map<String, String> labels,
    Instant created,
    JobRef job) {
  public Machine {
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

  /** GCE's status words for a VM that no longer runs (or is going). */
  public boolean stopped() {
    return switch (status) {
      case "STOPPING", "TERMINATED", "STOPPED", "SUSPENDING", "SUSPENDED" -> true;
      default -> false;
    };
  }
}
