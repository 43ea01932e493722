package io.autorunner.handler.vm.gce;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.BulkInsertRegionInstanceRequest;
import com.google.cloud.compute.v1.InsertInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.Operation;
import io.autorunner.common.logging.LogFields;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.MachineRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU seeker: where a new VM lands. It walks the job's choices (its GPUs in order of
 * preference, each on the machine that carries it) across the zones (which may span regions),
 * moving on when a zone is out of capacity or does not offer the machine; then, when Spot is out
 * everywhere and the fallback is on (and {@code autorunner.policy.allow-standard} lets any VM be
 * standard), standard provisioning where Spot was out; then, with {@code
 * autorunner.gce.flex-start}, Flex-start for the choices whose family supports it. A zone found out
 * of capacity is remembered for a few minutes ({@link CapacityMemory}) and skipped meanwhile.
 * Anything no other zone can fix ends the walk. Every attempt and why it moved on is in the
 * create's log line.
 */
final class ZonePlacement {

  private static final Logger log = LoggerFactory.getLogger(ZonePlacement.class);

  /** How a VM is provisioned. */
  enum Model {
    SPOT("Spot"),
    STANDARD("standard"),
    FLEX_START("Flex-start");

    private final String text;

    Model(String text) {
      this.text = text;
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private final GceProperties gce;
  private final InstanceFactory factory;
  private final InstancesClient client;
  private final OperationWaiter waiter;
  private final CapacityMemory memory;
  private final Optional<RegionalInsert> regional;
  private final Function<String, Optional<String>> locate;

  /**
   * @param regional the regional bulk insert, or empty to walk zone by zone only
   * @param locate the zone a VM of this name is in, if any (after a bulk insert whose answer does
   *     not say)
   */
  ZonePlacement(
      GceProperties gce,
      InstanceFactory factory,
      InstancesClient client,
      OperationWaiter waiter,
      Clock clock,
      CapacityNotes notes,
      Optional<RegionalInsert> regional,
      Function<String, Optional<String>> locate) {
    this.gce = Objects.requireNonNull(gce, "gce");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.client = Objects.requireNonNull(client, "client");
    this.waiter = Objects.requireNonNull(waiter, "waiter");
    this.regional = Objects.requireNonNull(regional, "regional");
    this.locate = Objects.requireNonNull(locate, "locate");
    this.memory =
        new CapacityMemory(gce.stockoutMemory(), clock, Objects.requireNonNull(notes, "notes"));
    if (gce.spotFallbackToStandard() && !factory.standardAllowed()) {
      log.warn(
          "autorunner.gce.spot-fallback-to-standard=true has no effect:"
              + " autorunner.policy.allow-standard=false keeps every VM Spot");
    }
  }

  /** One walk's record: every attempt, and where capacity was out. */
  private static final class Trail {
    final List<String> steps = new ArrayList<>();
    final List<String> outOfCapacity = new ArrayList<>();
    final List<ComputeException> failures = new ArrayList<>();

    @Override
    public String toString() {
      return String.join("; ", steps);
    }
  }

  /**
   * Inserts the VM in the first zone that takes one of its choices.
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
    List<RunnerSpec> choices = spec.choices();
    Trail trail = new Trail();
    Model first = spec.spot() ? Model.SPOT : Model.STANDARD;
    memory.share(zones, choices, provisionings(first));
    Optional<CreatedMachine> placed = walk(request, choices, zones, first, trail);
    if (placed.isEmpty()
        && first == Model.SPOT
        && gce.spotFallbackToStandard()
        && factory.standardAllowed()
        && !trail.outOfCapacity.isEmpty()) {
      placed = walk(request, choices, zones, Model.STANDARD, trail);
    }
    List<RunnerSpec> flexible =
        choices.stream().filter(c -> FlexStart.supports(c.machineType())).toList();
    if (placed.isEmpty()
        && gce.flexStart()
        && !flexible.isEmpty()
        && !trail.outOfCapacity.isEmpty()) {
      placed = walk(request, flexible, zones, Model.FLEX_START, trail);
    }
    if (placed.isPresent()) {
      return placed.get();
    }
    log.warn("VM {}: no zone took it: {}", request.name(), trail);
    ComputeException last =
        trail.failures.isEmpty()
            ? new ComputeException.Capacity("every zone is remembered out of capacity", null)
            : trail.failures.get(trail.failures.size() - 1);
    if (!trail.outOfCapacity.isEmpty() || trail.failures.isEmpty()) {
      throw new ComputeException.Capacity("no capacity for " + describe(spec) + ": " + trail, last);
    }
    throw new ComputeException.Permanent(
        "none of the zones " + zones + " offers " + describe(spec) + ": " + trail, last);
  }

  /** The provisioning models a walk that starts with {@code first} may try, in order. */
  private List<String> provisionings(Model first) {
    List<String> models = new ArrayList<>(List.of(first.name()));
    if (first == Model.SPOT && gce.spotFallbackToStandard() && factory.standardAllowed()) {
      models.add(Model.STANDARD.name());
    }
    if (gce.flexStart()) {
      models.add(Model.FLEX_START.name());
    }
    return models;
  }

  /**
   * Each choice in every zone, until one takes the VM: region by region in the order their zones
   * are listed; where two or more of a region's zones are still open, first one regional bulk
   * insert over them ({@link RegionalInsert}: GCE picks the zone with capacity), then, only if that
   * request itself was refused, each of them in turn.
   */
  private Optional<CreatedMachine> walk(
      MachineRequest request,
      List<RunnerSpec> choices,
      List<String> zones,
      Model model,
      Trail trail) {
    for (RunnerSpec choice : choices) {
      MachineRequest asked = withSpec(request, choice);
      for (List<String> region : byRegion(zones)) {
        List<String> open = new ArrayList<>();
        for (String zone : region) {
          Optional<Instant> skipped = memory.skipped(zone, choice, model.name());
          if (skipped.isPresent()) {
            trail.steps.add(
                describe(choice)
                    + " "
                    + model
                    + " in "
                    + zone
                    + ": skipped, out of capacity until "
                    + skipped.get());
            trail.outOfCapacity.add(zone);
          } else {
            open.add(zone);
          }
        }
        if (open.size() >= 2 && regional.isPresent() && model != Model.FLEX_START) {
          Regional outcome = regionally(request, asked, choice, open, model, trail);
          if (outcome.made().isPresent()) {
            return outcome.made();
          }
          if (outcome.decided()) {
            continue;
          }
        }
        for (String zone : open) {
          Optional<CreatedMachine> made = inZone(request, asked, choice, zone, model, trail);
          if (made.isPresent()) {
            return made;
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The zones grouped by region, each region where its first zone is listed, zones in order. */
  private static List<List<String>> byRegion(List<String> zones) {
    Map<String, List<String>> regions = new LinkedHashMap<>();
    for (String zone : zones) {
      regions.computeIfAbsent(InstanceFactory.regionOf(zone), r -> new ArrayList<>()).add(zone);
    }
    return List.copyOf(regions.values());
  }

  /**
   * What one regional bulk insert came to: the VM, or {@code decided} when its answer holds for
   * every open zone (out of capacity, or not offered there), else the zones are tried one by one.
   */
  private record Regional(Optional<CreatedMachine> made, boolean decided) {}

  private Regional regionally(
      MachineRequest request,
      MachineRequest asked,
      RunnerSpec choice,
      List<String> open,
      Model model,
      Trail trail) {
    String region = InstanceFactory.regionOf(open.get(0));
    String what = describe(choice) + " " + model + " in " + region + " " + open;
    Optional<GceFailure> failure;
    OperationFuture<Operation, Operation> sent;
    BulkInsertRegionInstanceRequest bulk;
    try {
      Instance vm = factory.instance(asked, open.get(0), model == Model.SPOT);
      bulk = regional.get().request(gce.project(), region, vm, open);
    } catch (ApiException e) {
      // The region's zones unreadable (compute.regions.get not granted yet, say): zone by zone.
      trail.steps.add(what + ": region unreadable (" + GceFailure.of(e).summary() + ")");
      log.warn(
          "VM {}: zones of {} unreadable ({}); trying them one by one",
          request.name(),
          region,
          GceFailure.of(e).summary());
      return new Regional(Optional.empty(), false);
    }
    try {
      log.info("VM {}: bulk-inserting {} (GCE picks the zone)", request.name(), what);
      sent = regional.get().send(bulk);
      failure = waiter.await(sent, "bulk insert " + request.name() + " in " + region);
    } catch (ApiException e) {
      failure = Optional.of(GceFailure.of(e));
      sent = null;
    }
    if (failure.isEmpty()) {
      Optional<String> zone = zoneOf(sent).or(() -> locate.apply(request.name()));
      if (zone.isEmpty()) {
        throw new ComputeException.Transient(
            "bulk insert "
                + request.name()
                + " in "
                + region
                + " finished, but the VM is not"
                + " listed yet",
            null,
            true);
      }
      String made = describe(choice) + " " + model + " in " + zone.get();
      trail.steps.add(what + ": created in " + zone.get());
      log.info("VM {}: created as {} by a regional bulk insert ({})", request.name(), made, trail);
      return new Regional(Optional.of(made(request, choice, zone.get(), model, made)), true);
    }
    GceFailure f = failure.get();
    switch (f.verdict()) {
      case ALREADY_EXISTS -> {
        Optional<String> zone = locate.apply(request.name());
        trail.steps.add(what + ": already exists (409)");
        log.info("VM {}: nothing to create ({})", request.name(), trail);
        if (zone.isPresent()) {
          return new Regional(
              Optional.of(
                  new CreatedMachine(request.name(), zone.get(), model == Model.SPOT, true)),
              true);
        }
        return new Regional(Optional.empty(), false);
      }
      case NO_CAPACITY -> {
        memory.outOfCapacity(open, choice, model.name());
        memory.seen(open, request.name(), f.text());
        trail.outOfCapacity.addAll(open);
        for (String zone : open) {
          // One line a zone, as the zonal walk writes: the capacity metric counts by zone.
          capacityLine(request, choice, zone, model, what, f);
        }
        trail.steps.add(what + ": out of capacity (" + f.summary() + ")");
        trail.failures.add(new ComputeException.Capacity(what + ": " + f.summary(), f.cause()));
        log.warn("VM {}: {}; next", request.name(), trail.steps.get(trail.steps.size() - 1));
        return new Regional(Optional.empty(), true);
      }
      case NOT_OFFERED -> {
        trail.steps.add(what + ": not offered (" + f.summary() + ")");
        trail.failures.add(new ComputeException.Permanent(what + ": " + f.summary(), f.cause()));
        return new Regional(Optional.empty(), true);
      }
      default -> {
        // The regional request itself refused (a field the bulk form does not take, a permission
        // only it needs, a quota): the zonal inserts serve as they always did, and say the rest.
        trail.steps.add(what + ": bulk insert refused (" + f.summary() + "), zone by zone");
        log.warn(
            "VM {}: regional bulk insert refused in {} ({}); trying its zones one by one",
            request.name(),
            region,
            f.summary());
        return new Regional(Optional.empty(), false);
      }
    }
  }

  private static Optional<String> zoneOf(OperationFuture<Operation, Operation> done) {
    try {
      return RegionalInsert.zoneOf(done.get());
    } catch (ExecutionException | RuntimeException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private void capacityLine(
      MachineRequest request,
      RunnerSpec choice,
      String where,
      Model model,
      String what,
      GceFailure f) {
    log.atWarn()
        .addKeyValue(LogFields.EVENT, LogFields.Events.CAPACITY_ERROR)
        .addKeyValue(LogFields.VM, request.name())
        .addKeyValue(LogFields.ZONE, where)
        .addKeyValue(LogFields.MACHINE_TYPE, choice.machineType())
        .addKeyValue(LogFields.GPU_TYPE, choice.hasGpu() ? choice.accelerator().type() : "")
        .addKeyValue(LogFields.GPU_COUNT, choice.hasGpu() ? choice.accelerator().count() : 0)
        .addKeyValue(LogFields.SPOT, model == Model.SPOT)
        .log("VM {}: {} is out of capacity ({})", request.name(), what, f.summary());
  }

  /**
   * The VM this walk made in {@code zone}: {@code what} names it when it is not what the job asked
   * for first (a choice further down, Flex-start), with the choice when it is another machine.
   */
  private static CreatedMachine made(
      MachineRequest request, RunnerSpec choice, String zone, Model model, String what) {
    boolean firstChoice = choice.equals(request.spec().choices().get(0));
    boolean asFirst = firstChoice && model != Model.FLEX_START;
    return new CreatedMachine(
        request.name(),
        zone,
        model == Model.SPOT,
        false,
        asFirst ? "" : what,
        firstChoice ? null : choice);
  }

  /** One zonal insert of the walk; the VM when the zone took it. */
  private Optional<CreatedMachine> inZone(
      MachineRequest request,
      MachineRequest asked,
      RunnerSpec choice,
      String zone,
      Model model,
      Trail trail) {
    String what = describe(choice) + " " + model + " in " + zone;
    Optional<GceFailure> failure = insert(asked, zone, model);
    if (failure.isEmpty()) {
      trail.steps.add(what + ": created");
      log.info("VM {}: created as {} ({})", request.name(), what, trail);
      return Optional.of(made(request, choice, zone, model, what));
    }
    GceFailure f = failure.get();
    switch (f.verdict()) {
      case ALREADY_EXISTS -> {
        trail.steps.add(what + ": already exists (409)");
        log.info("VM {}: nothing to create ({})", request.name(), trail);
        return Optional.of(new CreatedMachine(request.name(), zone, model == Model.SPOT, true));
      }
      case NO_CAPACITY -> {
        memory.outOfCapacity(List.of(zone), choice, model.name());
        capacityLine(request, choice, zone, model, what, f);
        trail.steps.add(what + ": out of capacity (" + f.summary() + ")");
        trail.outOfCapacity.add(zone);
        trail.failures.add(new ComputeException.Capacity(what + ": " + f.summary(), f.cause()));
      }
      case NOT_OFFERED -> {
        trail.steps.add(what + ": not offered (" + f.summary() + ")");
        trail.failures.add(new ComputeException.Permanent(what + ": " + f.summary(), f.cause()));
      }
      default -> throw f.toException("insert " + request.name() + " in " + zone);
    }
    log.warn("VM {}: {}; next", request.name(), trail.steps.get(trail.steps.size() - 1));
    return Optional.empty();
  }

  private static MachineRequest withSpec(MachineRequest request, RunnerSpec choice) {
    return new MachineRequest(
        request.name(),
        choice,
        request.job(),
        request.pool(),
        request.handout(),
        request.startupScript(),
        request.workflow(),
        request.jobName());
  }

  /** One insert, waited for; empty when GCE created the VM. */
  private Optional<GceFailure> insert(MachineRequest request, String zone, Model model) {
    log.info("VM {}: inserting {} {} in {}", request.name(), model, describe(request.spec()), zone);
    Instance instance =
        model == Model.FLEX_START
            ? FlexStart.instance(factory, gce, request, zone)
            : factory.instance(request, zone, model == Model.SPOT);
    InsertInstanceRequest insert =
        InsertInstanceRequest.newBuilder()
            .setProject(gce.project())
            .setZone(zone)
            .setInstanceResource(instance)
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
