package io.autorunner.handler.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * A Compute Engine VM as its Google-signed instance identity token ({@code format=full}) names it:
 * which VM asked. Whether it is one of ours, and may have a runner, is for the caller to judge.
 *
 * @param project the project id the VM runs in
 * @param zone its zone
 * @param instanceName its name
 * @param instanceId GCE's numeric id of the instance (a name can be reused; the id cannot)
 * @param serviceAccount the e-mail of the VM's service account, when the token carries one
 */
public record InstanceIdentity(
    String project,
    String zone,
    String instanceName,
    String instanceId,
    Optional<String> serviceAccount) {
  public InstanceIdentity {
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(instanceName, "instanceName");
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(serviceAccount, "serviceAccount");
  }

  /** For the log: the VM, never the token. */
  @Override
  public String toString() {
    return project + "/" + zone + "/" + instanceName + " (id " + instanceId + ")";
  }
}
