package io.autorunner.handler.vm.gce;

import com.google.cloud.compute.v1.InsertInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import io.autorunner.common.logging.LogFields;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.MachineRequest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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

  ZonePlacement(
      GceProperties gce,
      InstanceFactory factory,
      InstancesClient client,
      OperationWaiter waiter,
      Clock clock,
      CapacityNotes notes) {
    this.gce = Objects.requireNonNull(gce, "gce");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.client = Objects.requireNonNull(client, "client");
    this.waiter = Objects.requireNonNull(waiter, "waiter");
    this.memory =
        new CapacityMemory(gce.stockoutMemory(), clock, Objects.requireNonNull(notes, "notes"));
    if (gce.spotFallbackToStandard() && !factory.standardAllowed()) {
      log.warn(
          "autorunner.gce.spot-fallback-to-standard=true has no effect:"
              + " autorunner.policy.allow-standard=false keeps every VM Spot");
    }
  }

  /** Zones recently out of capacity, as remembered here. */
  List<String> rememberedStockouts() {
    return memory.remembered();
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

  /** Each choice in every zone, in order, until one takes the VM. */
  private Optional<CreatedMachine> walk(
      MachineRequest request,
      List<RunnerSpec> choices,
      List<String> zones,
      Model model,
      Trail trail) {
    for (RunnerSpec choice : choices) {
      MachineRequest asked = withSpec(request, choice);
      for (String zone : zones) {
        String what = describe(choice) + " " + model + " in " + zone;
        Optional<java.time.Instant> skipped = memory.skipped(zone, choice, model.name());
        if (skipped.isPresent()) {
          trail.steps.add(what + ": skipped, out of capacity until " + skipped.get());
          trail.outOfCapacity.add(zone);
          continue;
        }
        Optional<GceFailure> failure = insert(asked, zone, model);
        if (failure.isEmpty()) {
          trail.steps.add(what + ": created");
          boolean firstChoice = choice.equals(request.spec().choices().get(0));
          boolean asFirst = firstChoice && model != Model.FLEX_START;
          log.info("VM {}: created as {} ({})", request.name(), what, trail);
          return Optional.of(
              new CreatedMachine(
                  request.name(),
                  zone,
                  model == Model.SPOT,
                  false,
                  asFirst ? "" : what,
                  firstChoice ? null : choice));
        }
        GceFailure f = failure.get();
        switch (f.verdict()) {
          case ALREADY_EXISTS -> {
            trail.steps.add(what + ": already exists (409)");
            log.info("VM {}: nothing to create ({})", request.name(), trail);
            return Optional.of(new CreatedMachine(request.name(), zone, model == Model.SPOT, true));
          }
          case NO_CAPACITY -> {
            memory.outOfCapacity(zone, choice, model.name());
            log.atWarn()
                .addKeyValue(LogFields.EVENT, LogFields.Events.CAPACITY_ERROR)
                .addKeyValue(LogFields.VM, request.name())
                .addKeyValue(LogFields.ZONE, zone)
                .addKeyValue(LogFields.MACHINE_TYPE, choice.machineType())
                .addKeyValue(LogFields.GPU_TYPE, choice.hasGpu() ? choice.accelerator().type() : "")
                .addKeyValue(
                    LogFields.GPU_COUNT, choice.hasGpu() ? choice.accelerator().count() : 0)
                .addKeyValue(LogFields.SPOT, model == Model.SPOT)
                .log("VM {}: {} is out of capacity ({})", request.name(), what, f.summary());
            trail.steps.add(what + ": out of capacity (" + f.summary() + ")");
            trail.outOfCapacity.add(zone);
            trail.failures.add(new ComputeException.Capacity(what + ": " + f.summary(), f.cause()));
          }
          case NOT_OFFERED -> {
            trail.steps.add(what + ": not offered (" + f.summary() + ")");
            trail.failures.add(
                new ComputeException.Permanent(what + ": " + f.summary(), f.cause()));
          }
          default -> throw f.toException("insert " + request.name() + " in " + zone);
        }
        log.warn("VM {}: {}; next", request.name(), trail.steps.get(trail.steps.size() - 1));
      }
    }
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
