package io.autorunner.handler.vm.gce;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.gce.*}: where and how VMs are made.
 *
 * @param project the GCP project id (required in gce mode)
 * @param zones zones to try in order; on a capacity error the next one is tried. With no {@code
 *     autorunner.policy.allowed-zones}, also the only zones a {@code zone=} label may pin
 * @param endpoint overrides the Compute Engine API address (tests: {@code http://127.0.0.1:PORT})
 * @param network the VPC network
 * @param subnetwork the subnetwork, or empty for the network's default (auto mode)
 * @param externalIp whether VMs get an ephemeral external IP (without one, Cloud NAT must exist)
 * @param serviceAccount the VMs' service account e-mail; empty gives none, so jobs do not inherit
 *     project credentials
 * @param cpuImage boot image of CPU-only Linux VMs
 * @param gpuImage boot image of GPU Linux VMs, with the NVIDIA driver preinstalled
 * @param windowsImage boot image of Windows VMs
 * @param diskType boot disk type
 * @param maxRunDuration the hard cap on a VM's life that no bug can outlive (GCE deletes it)
 * @param spotFallbackToStandard when Spot capacity is out in every zone, try standard provisioning
 *     (never with {@code autorunner.policy.allow-standard=false})
 * @param operationTimeout how long a create waits for GCE's insert (or delete) operation; a runner
 *     minted for a create is held that long (plus a margin) before another attempt may replace it
 * @param stockoutMemory how long a zone that was out of capacity for a machine and GPU is skipped
 *     by later creates, on every instance that shares the store's capacity notes (0: never skipped)
 * @param flexStart after Spot (and standard, when allowed) are out everywhere, ask for the
 *     accelerator-optimised families that support it (G2, A2, A3) with Flex-start provisioning
 * @param bulkInsert where two or more of a region's zones are open for a VM, ask the region at once
 *     with a regional bulk insert (GCE picks the zone with capacity) before trying them one by one
 * @param flexStartWait how long a Flex-start request may wait in GCE's queue for capacity; with
 *     Flex-start on, no longer than {@code operationTimeout}, which is how long the insert is
 *     waited for
 */
@Validated
@ConfigurationProperties("autorunner.gce")
public record GceProperties(
    String project,
    @DefaultValue({"us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"}) @NotEmpty
        List<String> zones,
    String endpoint,
    @DefaultValue("global/networks/default") @NotBlank String network,
    String subnetwork,
    @DefaultValue("true") boolean externalIp,
    String serviceAccount,
    @DefaultValue("projects/debian-cloud/global/images/family/debian-12") @NotBlank String cpuImage,
    @DefaultValue(
            "projects/deeplearning-platform-release/global/images/family/common-cu128-ubuntu-2204-nvidia-570")
        @NotBlank
        String gpuImage,
    @DefaultValue("projects/windows-cloud/global/images/family/windows-2022") @NotBlank
        String windowsImage,
    @DefaultValue("pd-balanced") @NotBlank String diskType,
    @DefaultValue("6h") Duration maxRunDuration,
    @DefaultValue("false") boolean spotFallbackToStandard,
    @DefaultValue("3m") Duration operationTimeout,
    @DefaultValue("5m") Duration stockoutMemory,
    @DefaultValue("false") boolean flexStart,
    @DefaultValue("3m") Duration flexStartWait,
    @DefaultValue("true") boolean bulkInsert) {

  public GceProperties {
    if (stockoutMemory != null && stockoutMemory.isNegative()) {
      throw new IllegalArgumentException("autorunner.gce.stockout-memory must not be negative");
    }
    if (flexStartWait != null
        && (flexStartWait.compareTo(Duration.ofSeconds(90)) < 0
            || flexStartWait.compareTo(Duration.ofHours(2)) > 0)) {
      throw new IllegalArgumentException(
          "autorunner.gce.flex-start-wait must be between 90s and 2h (GCE's limits), not "
              + flexStartWait);
    }
    if (operationTimeout != null
        && (operationTimeout.compareTo(Duration.ofSeconds(1)) < 0
            || operationTimeout.compareTo(Duration.ofMinutes(10)) > 0)) {
      throw new IllegalArgumentException(
          "autorunner.gce.operation-timeout must be between 1s and 10m, not " + operationTimeout);
    }
    if (flexStart
        && flexStartWait != null
        && operationTimeout != null
        && flexStartWait.compareTo(operationTimeout) > 0) {
      // The create waits operationTimeout for the insert and then reports it unfinished, while GCE
      // would still hold the request: the retry could then ask for a second VM elsewhere.
      throw new IllegalArgumentException(
          "autorunner.gce.flex-start-wait ("
              + flexStartWait
              + ") must not exceed autorunner.gce.operation-timeout ("
              + operationTimeout
              + "), how long a create waits for its insert");
    }
    if (zones != null && subnetwork != null && !subnetwork.isBlank()) {
      requireSubnetworkInEveryZonesRegion(zones, subnetwork);
    }
    if (maxRunDuration != null
        && (maxRunDuration.compareTo(Duration.ofMinutes(30)) < 0
            || maxRunDuration.compareTo(Duration.ofDays(7)) > 0)) {
      throw new IllegalArgumentException(
          "autorunner.gce.max-run-duration must be between 30m and 7d, not " + maxRunDuration);
    }
  }

  private static final Pattern SUBNETWORK_REGION = Pattern.compile("(?:^|/)regions/([^/]+)/");

  /**
   * A subnetwork belongs to one region, and a VM's subnetwork must be in its zone's region: a fixed
   * one with zones elsewhere would make every insert there fail. {@code {region}} in it is replaced
   * by each zone's region (one subnet per region).
   */
  private static void requireSubnetworkInEveryZonesRegion(List<String> zones, String subnetwork) {
    if (subnetwork.contains("{region}")) {
      return;
    }
    Set<String> regions = new TreeSet<>();
    zones.forEach(zone -> regions.add(InstanceFactory.regionOf(zone)));
    Set<String> elsewhere = new TreeSet<>(regions);
    Matcher named = SUBNETWORK_REGION.matcher(subnetwork);
    if (named.find()) {
      elsewhere.remove(named.group(1));
    } else if (regions.size() == 1) {
      elsewhere.clear();
    }
    if (!elsewhere.isEmpty()) {
      throw new IllegalArgumentException(
          "autorunner.gce.subnetwork "
              + subnetwork
              + " is in one region, but autorunner.gce.zones has zones in "
              + elsewhere
              + ": write {region} in it (regions/{region}/subnetworks/NAME, one subnet per"
              + " region) or keep the zones in its region");
    }
  }
}
