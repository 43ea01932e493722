package io.autorunner.testkit.gce;

import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Inserts that GCE accepts and then fails: a zone out of (GPU) capacity finishes the operation with
 * {@code ZONE_RESOURCE_POOL_EXHAUSTED}, an exceeded quota with {@code QUOTA_EXCEEDED}. Thread-safe.
 */
final class CapacityFaults {

  private record Quota(String metric, double limit, boolean gpuOnly) {}

  private final Set<String> zonesOutOfGpu = new HashSet<>();
  private final Set<String> zonesOutOfAll = new HashSet<>();
  private Quota quota;

  synchronized void exhaustGpu(String zone) {
    zonesOutOfGpu.add(zone);
  }

  synchronized void exhaustAll(String zone) {
    zonesOutOfAll.add(zone);
  }

  synchronized void restore(String zone) {
    zonesOutOfGpu.remove(zone);
    zonesOutOfAll.remove(zone);
  }

  synchronized void exceedQuota(String metric, double limit, boolean gpuOnly) {
    quota = new Quota(Objects.requireNonNull(metric), limit, gpuOnly);
  }

  synchronized void clearQuota() {
    quota = null;
  }

  /** The error an insert of {@code vm} into {@code zone} ends with, if it fails. */
  synchronized Optional<OperationError> insertFailure(String zone, Vm vm) {
    boolean gpu = Vm.hasGpu(vm.resource);
    if (zonesOutOfAll.contains(zone) || (gpu && zonesOutOfGpu.contains(zone))) {
      return Optional.of(
          new OperationError(
              "ZONE_RESOURCE_POOL_EXHAUSTED",
              "The zone 'projects/"
                  + vm.project
                  + "/zones/"
                  + zone
                  + "' does not have enough resources"
                  + " available to fulfill the request.  Try a different zone, or try again later.",
              503,
              "SERVICE UNAVAILABLE"));
    }
    if (quota != null && (gpu || !quota.gpuOnly())) {
      String region = zone.contains("-") ? zone.substring(0, zone.lastIndexOf('-')) : zone;
      return Optional.of(
          new OperationError(
              "QUOTA_EXCEEDED",
              "Quota '"
                  + quota.metric()
                  + "' exceeded.  Limit: "
                  + quota.limit()
                  + " in region "
                  + region
                  + ".",
              403,
              "FORBIDDEN"));
    }
    return Optional.empty();
  }
}
