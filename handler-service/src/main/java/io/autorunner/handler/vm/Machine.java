package io.autorunner.handler.vm;

import java.time.Instant;
import java.util.Map;

/**
 * A VM as the compute port sees it.
 *
 * @param status GCE's status word (PROVISIONING, STAGING, RUNNING, STOPPING, TERMINATED…)
 * @param labels the VM's labels (job id, run id, repository, managed-by)
 */
public record Machine(
    String name, String zone, String status, Map<String, String> labels, Instant created) {
  public Machine {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
