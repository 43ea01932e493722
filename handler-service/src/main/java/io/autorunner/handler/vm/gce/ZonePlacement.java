package io.autorunner.handler.vm.gce;

import com.google.cloud.compute.v1.InsertInstanceRequest;
import com.google.cloud.compute.v1.InstancesClient;
import io.autorunner.common.logging.LogFields;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.MachineRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a new VM lands: the zones in order, moving on when a zone is out of capacity or does not
 * offer the machine; and, when Spot is out in every zone and the fallback is on (and {@code
 * autorunner.policy.allow-standard} lets any VM be standard), standard provisioning in the zones
 * that were out of Spot. Anything no other zone can fix ends the walk.
 */
final class ZonePlacement {

  private static final Logger log = LoggerFactory.getLogger(ZonePlacement.class);

  private final GceProperties gce;
  private final InstanceFactory factory;
  private final InstancesClient client;
  private final OperationWaiter waiter;

  ZonePlacement(
      GceProperties gce, InstanceFactory factory, InstancesClient client, OperationWaiter waiter) {
    this.gce = Objects.requireNonNull(gce, "gce");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.client = Objects.requireNonNull(client, "client");
    this.waiter = Objects.requireNonNull(waiter, "waiter");
    if (gce.spotFallbackToStandard() && !factory.standardAllowed()) {
      log.warn(
          "autorunner.gce.spot-fallback-to-standard=true has no effect:"
              + " autorunner.policy.allow-standard=false keeps every VM Spot");
    }
  }

  /** How a walk over some zones ended. */
  private sealed interface Walk {}

  /** A zone took the VM, or already had it. */
  private record Placed(CreatedMachine machine) implements Walk {}

  /** No zone took it; {@code lastFailure} is the last zone's reason. */
  private record Exhausted(List<String> outOfCapacity, ComputeException lastFailure)
      implements Walk {
    Exhausted {
      Objects.requireNonNull(lastFailure, "lastFailure");
    }
  }

  /**
   * Inserts the VM in the first zone that takes it.
   *
   * @throws ComputeException.Capacity when the zones tried last were out of capacity
   * @throws ComputeException.Permanent when none of them offers the machine
   */
  CreatedMachine place(MachineRequest request) {
    RunnerSpec spec = request.spec();
    List<String> zones = spec.zone() != null ? List.of(spec.zone()) : gce.zones();
    if (zones.isEmpty()) {
      throw new ComputeException.Permanent(
          "none of the zones " + zones + " offers " + describe(spec), null);
    }
    Walk walk = walk(request, zones, spec.spot());
    if (walk instanceof Exhausted spotOut
        && spec.spot()
        && gce.spotFallbackToStandard()
        && factory.standardAllowed()
        && !spotOut.outOfCapacity().isEmpty()) {
      log.warn(
          "VM {}: Spot capacity is out in {}; trying standard provisioning",
          request.name(),
          spotOut.outOfCapacity());
      walk = walk(request, spotOut.outOfCapacity(), false);
    }
    if (walk instanceof Placed placed) {
      return placed.machine();
    }
    Exhausted exhausted = (Exhausted) walk;
    if (!exhausted.outOfCapacity().isEmpty()) {
      throw new ComputeException.Capacity(
          "no capacity for " + describe(spec) + " in zones " + exhausted.outOfCapacity(),
          exhausted.lastFailure());
    }
    throw new ComputeException.Permanent(
        "none of the zones " + zones + " offers " + describe(spec), exhausted.lastFailure());
  }

  /**
   * Tries each zone in turn until one takes the VM; rethrows what no other zone can fix. The zones
   * are never empty, so a walk that places nothing has a last failure.
   */
  private Walk walk(MachineRequest request, List<String> zones, boolean spot) {
    String name = request.name();
    List<String> outOfCapacity = new ArrayList<>();
    List<ComputeException> failures = new ArrayList<>();
    for (String zone : zones) {
      Optional<GceFailure> failure = insert(request, zone, spot);
      if (failure.isEmpty()) {
        log.info("VM {}: created in {} ({})", name, zone, spot ? "Spot" : "standard");
        return new Placed(new CreatedMachine(name, zone, spot, false));
      }
      GceFailure f = failure.get();
      switch (f.verdict()) {
        case ALREADY_EXISTS -> {
          log.info("VM {}: already exists in {} (409); nothing to create", name, zone);
          return new Placed(new CreatedMachine(name, zone, spot, true));
        }
        case NO_CAPACITY -> {
          RunnerSpec spec = request.spec();
          log.atWarn()
              .addKeyValue(LogFields.EVENT, LogFields.Events.CAPACITY_ERROR)
              .addKeyValue(LogFields.VM, name)
              .addKeyValue(LogFields.ZONE, zone)
              .addKeyValue(LogFields.MACHINE_TYPE, spec.machineType())
              .addKeyValue(LogFields.GPU_TYPE, spec.hasGpu() ? spec.accelerator().type() : "")
              .addKeyValue(LogFields.GPU_COUNT, spec.hasGpu() ? spec.accelerator().count() : 0)
              .addKeyValue(LogFields.SPOT, spot)
              .log("VM {}: {} is out of capacity ({}); next zone", name, zone, f.summary());
          outOfCapacity.add(zone);
          failures.add(new ComputeException.Capacity(zone + ": " + f.summary(), f.cause()));
        }
        case NOT_OFFERED -> {
          log.warn(
              "VM {}: {} does not offer this machine or GPU ({}); next zone",
              name,
              zone,
              f.summary());
          failures.add(new ComputeException.Permanent(zone + ": " + f.summary(), f.cause()));
        }
        default -> throw f.toException("insert " + name + " in " + zone);
      }
    }
    return new Exhausted(List.copyOf(outOfCapacity), failures.get(failures.size() - 1));
  }

  /** One insert, waited for; empty when GCE created the VM. */
  private Optional<GceFailure> insert(MachineRequest request, String zone, boolean spot) {
    log.info(
        "VM {}: inserting {} {} in {}",
        request.name(),
        spot ? "Spot" : "standard",
        describe(request.spec()),
        zone);
    InsertInstanceRequest insert =
        InsertInstanceRequest.newBuilder()
            .setProject(gce.project())
            .setZone(zone)
            .setInstanceResource(factory.instance(request, zone, spot))
            .build();
    return waiter.await(client.insertAsync(insert), "insert " + request.name());
  }

  private static String describe(RunnerSpec spec) {
    return spec.machineType()
        + (spec.hasGpu()
            ? " with " + spec.accelerator().count() + "x " + spec.accelerator().type()
            : "");
  }
}
