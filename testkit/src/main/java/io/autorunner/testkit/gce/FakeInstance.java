package io.autorunner.testkit.gce;

import java.time.Instant;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * A snapshot of one instance of the fake Compute Engine.
 *
 * @param resource the Instance JSON as the client sent it on insert (metadata, scheduling, disks…)
 * @param status PROVISIONING, STAGING, RUNNING, STOPPING, TERMINATED; or GONE once deleted or
 *     preempted
 * @param preempted true when Spot preemption took it (it is then gone, as with {@code
 *     instanceTerminationAction=DELETE})
 */
public record FakeInstance(
    String project,
    String zone,
    String name,
    long id,
    String status,
    Map<String, String> labels,
    Map<String, String> metadata,
    JsonNode resource,
    Instant created,
    boolean preempted) {

  public static final String LINUX_STARTUP_SCRIPT = "startup-script";
  public static final String WINDOWS_STARTUP_SCRIPT = "windows-startup-script-ps1";

  /** The startup script (Linux or Windows), or null. Holds a JIT config: never log it. */
  public String startupScript() {
    String linux = metadata.get(LINUX_STARTUP_SCRIPT);
    return linux != null ? linux : metadata.get(WINDOWS_STARTUP_SCRIPT);
  }

  /** GPUs attached, or a machine family that comes with its own (g2, a2, a3, a4). */
  public boolean hasGpu() {
    return Vm.hasGpu(resource);
  }

  /** The provisioning model the insert asked for; STANDARD when none was given. */
  public String provisioningModel() {
    String model = resource.path("scheduling").path("provisioningModel").asString("");
    return model.isEmpty() ? "STANDARD" : model;
  }

  public boolean spot() {
    return "SPOT".equals(provisioningModel());
  }

  /** The machine type's last path segment, e.g. {@code n1-standard-4}. */
  public String machineType() {
    String type = resource.path("machineType").asString("");
    return type.substring(type.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    // The resource holds the startup script, and with it a secret.
    return "FakeInstance["
        + zone
        + "/"
        + name
        + " "
        + status
        + (preempted ? " preempted" : "")
        + "]";
  }
}
