package io.autorunner.handler.vm.gce;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.AcceleratorConfig;
import com.google.cloud.compute.v1.AttachedDisk;
import com.google.cloud.compute.v1.BulkInsertInstanceResource;
import com.google.cloud.compute.v1.BulkInsertInstanceResourcePerInstanceProperties;
import com.google.cloud.compute.v1.BulkInsertOperationStatus;
import com.google.cloud.compute.v1.BulkInsertRegionInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstanceProperties;
import com.google.cloud.compute.v1.LocationPolicy;
import com.google.cloud.compute.v1.LocationPolicyLocation;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.RegionInstancesClient;
import com.google.cloud.compute.v1.RegionsClient;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One VM asked of a whole region at once: Compute Engine's regional {@code bulkInsert} with a
 * location policy that allows the zones the walk may still try and denies the region's others, so
 * GCE itself picks a zone with capacity in one call instead of the walk trying them in turn. A
 * location policy allows every zone it does not deny, so the region's zones are read once (they do
 * not change) and the rest denied.
 *
 * <p>The request is the zonal insert's VM in region form: the same name (as the one per-instance
 * name), disks, GPUs, network, scheduling, metadata and labels, with the machine, GPU and disk
 * types named without a zone.
 */
public final class RegionalInsert implements AutoCloseable {

  private final RegionInstancesClient instances;
  private final RegionsClient regions;
  private final Map<String, List<String>> zonesOf = new ConcurrentHashMap<>();

  /** Regional inserts through these clients (both pointed like the zonal one). */
  public RegionalInsert(RegionInstancesClient instances, RegionsClient regions) {
    this.instances = Objects.requireNonNull(instances, "instances");
    this.regions = Objects.requireNonNull(regions, "regions");
  }

  /**
   * The request for {@code vm} (as built for any zone of {@code region}) that lets GCE choose among
   * {@code allowed}.
   *
   * @throws ApiException when the region's zones cannot be read
   */
  BulkInsertRegionInstanceRequest request(
      String project, String region, Instance vm, List<String> allowed) {
    LocationPolicy.Builder policy = LocationPolicy.newBuilder();
    for (String zone : zones(project, region)) {
      policy.putLocations(
          "zones/" + zone,
          LocationPolicyLocation.newBuilder()
              .setPreference(
                  (allowed.contains(zone)
                          ? LocationPolicyLocation.Preference.ALLOW
                          : LocationPolicyLocation.Preference.DENY)
                      .name())
              .build());
    }
    for (String zone : allowed) {
      if (!policy.containsLocations("zones/" + zone)) {
        policy.putLocations(
            "zones/" + zone,
            LocationPolicyLocation.newBuilder()
                .setPreference(LocationPolicyLocation.Preference.ALLOW.name())
                .build());
      }
    }
    return BulkInsertRegionInstanceRequest.newBuilder()
        .setProject(project)
        .setRegion(region)
        .setBulkInsertInstanceResourceResource(
            BulkInsertInstanceResource.newBuilder()
                .setCount(1)
                .setMinCount(1)
                .putPerInstanceProperties(
                    vm.getName(),
                    BulkInsertInstanceResourcePerInstanceProperties.newBuilder()
                        .setName(vm.getName())
                        .build())
                .setInstanceProperties(properties(vm))
                .setLocationPolicy(policy))
        .build();
  }

  /** Sends the request; the operation to wait for. */
  OperationFuture<Operation, Operation> send(BulkInsertRegionInstanceRequest request) {
    return instances.bulkInsertAsync(request);
  }

  /** The zone a finished bulk insert made its VM in, as its metadata says. */
  static Optional<String> zoneOf(Operation done) {
    if (!done.hasInstancesBulkInsertOperationMetadata()) {
      return Optional.empty();
    }
    for (Map.Entry<String, BulkInsertOperationStatus> location :
        done.getInstancesBulkInsertOperationMetadata().getPerLocationStatusMap().entrySet()) {
      if (location.getValue().getCreatedVmCount() > 0) {
        return Optional.of(lastSegment(location.getKey()));
      }
    }
    return Optional.empty();
  }

  /** The region's zones, read once: GCE's {@code regions.get} names them as URLs. */
  private List<String> zones(String project, String region) {
    return zonesOf.computeIfAbsent(
        project + "/" + region,
        key ->
            regions.get(project, region).getZonesList().stream()
                .map(RegionalInsert::lastSegment)
                .toList());
  }

  /** The zonal VM's properties without its zone. */
  static InstanceProperties properties(Instance vm) {
    InstanceProperties.Builder properties =
        InstanceProperties.newBuilder()
            .setMachineType(lastSegment(vm.getMachineType()))
            .addAllNetworkInterfaces(vm.getNetworkInterfacesList())
            .addAllServiceAccounts(vm.getServiceAccountsList())
            .putAllLabels(vm.getLabelsMap());
    if (vm.hasDescription()) {
      properties.setDescription(vm.getDescription());
    }
    if (vm.hasScheduling()) {
      properties.setScheduling(vm.getScheduling());
    }
    if (vm.hasMetadata()) {
      properties.setMetadata(vm.getMetadata());
    }
    if (vm.hasReservationAffinity()) {
      properties.setReservationAffinity(vm.getReservationAffinity());
    }
    for (AttachedDisk disk : vm.getDisksList()) {
      AttachedDisk.Builder regional = disk.toBuilder();
      if (disk.hasInitializeParams() && disk.getInitializeParams().hasDiskType()) {
        regional
            .getInitializeParamsBuilder()
            .setDiskType(lastSegment(disk.getInitializeParams().getDiskType()));
      }
      properties.addDisks(regional);
    }
    for (AcceleratorConfig gpu : vm.getGuestAcceleratorsList()) {
      properties.addGuestAccelerators(
          gpu.toBuilder().setAcceleratorType(lastSegment(gpu.getAcceleratorType())));
    }
    return properties.build();
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public void close() {
    instances.close();
    regions.close();
  }
}
