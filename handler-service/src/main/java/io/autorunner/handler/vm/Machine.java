package io.autorunner.handler.vm;

import io.autorunner.common.task.JobRef;
import java.time.Instant;
import java.util.Map;

/**
 * A VM as the compute port sees it.
 *
 * @param status GCE's status word (PROVISIONING, STAGING, RUNNING, STOPPING, TERMINATED…)
 * @param labels the VM's labels (job id, run id, repository, managed-by)
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
  }
}
