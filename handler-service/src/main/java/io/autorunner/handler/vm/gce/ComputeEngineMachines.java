package io.autorunner.handler.vm.gce;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.AggregatedListInstancesRequest;
import com.google.cloud.compute.v1.DeleteInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesScopedList;
import com.google.cloud.compute.v1.InstancesSetLabelsRequest;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.SetLabelsInstanceRequest;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import io.autorunner.common.naming.Rfc1035Name;
import io.autorunner.handler.vm.CapacityNotes;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runner VMs on Compute Engine, over the REST transport of google-cloud-compute. Where a new VM
 * lands is {@link ZonePlacement}'s; waiting for GCE's operations is {@link OperationWaiter}'s;
 * reading an instance is {@link InstanceReader}'s; what a failure means is {@link GceFailure}'s.
 * Every failure comes out typed, so the task endpoint can tell Cloud Tasks to retry or to give up.
 */
public final class ComputeEngineMachines implements RunnerMachines, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ComputeEngineMachines.class);

  private static final String MANAGED_FILTER =
      "(labels." + MachineLabels.MANAGED_BY + " = \"" + MachineLabels.MANAGED_BY_VALUE + "\")";

  private final GceProperties gce;
  private final InstancesClient client;
  private final ZoneOperationsClient operations;
  private final OperationWaiter waiter;
  private final ZonePlacement placement;
  private final Optional<RegionalInsert> regional;
  private final InstanceReader reader = new InstanceReader();
  private final Clock clock;

  public ComputeEngineMachines(
      GceProperties gce,
      InstanceFactory factory,
      InstancesClient client,
      ZoneOperationsClient operations,
      Duration operationTimeout) {
    this(gce, factory, client, operations, operationTimeout, Clock.systemUTC());
  }

  /**
   * @param notes where every handler instance notes the zones it found out of capacity ({@link
   *     CapacityMemory})
   * @param regional a region's open zones asked of at once ({@link RegionalInsert}), or empty to
   *     walk zone by zone only
   */
  public ComputeEngineMachines(
      GceProperties gce,
      InstanceFactory factory,
      InstancesClient client,
      ZoneOperationsClient operations,
      Duration operationTimeout,
      CapacityNotes notes,
      Optional<RegionalInsert> regional) {
    this(gce, factory, client, operations, operationTimeout, Clock.systemUTC(), notes, regional);
  }

  /** With the clock that dates a listing (see {@link InstanceReader#machine}). */
  ComputeEngineMachines(
      GceProperties gce,
      InstanceFactory factory,
      InstancesClient client,
      ZoneOperationsClient operations,
      Duration operationTimeout,
      Clock clock) {
    this(
        gce,
        factory,
        client,
        operations,
        operationTimeout,
        clock,
        CapacityNotes.none(),
        Optional.empty());
  }

  ComputeEngineMachines(
      GceProperties gce,
      InstanceFactory factory,
      InstancesClient client,
      ZoneOperationsClient operations,
      Duration operationTimeout,
      Clock clock,
      CapacityNotes notes,
      Optional<RegionalInsert> regional) {
    this.gce = Objects.requireNonNull(gce, "gce");
    this.client = Objects.requireNonNull(client, "client");
    this.operations = Objects.requireNonNull(operations, "operations");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.waiter = new OperationWaiter(Objects.requireNonNull(operationTimeout, "operationTimeout"));
    this.regional = Objects.requireNonNull(regional, "regional");
    this.placement =
        new ZonePlacement(
            gce,
            factory,
            client,
            waiter,
            clock,
            notes,
            regional,
            name -> named(name).stream().map(Machine::zone).findFirst());
    if (gce.project() == null || gce.project().isBlank()) {
      throw new IllegalArgumentException("autorunner.gce.project is required in gce mode");
    }
  }

  /**
   * GCE records a Spot reclaim as a {@code compute.instances.preempted} operation in the VM's zone,
   * which outlives the VM. Filtered by type on the server and by target here: the list filter
   * cannot combine a regular expression with another field.
   */
  @Override
  public boolean wasPreempted(String name) {
    try {
      for (String zone : gce.zones()) {
        for (Operation op :
            ZoneOperationLists.ofType(
                operations, gce.project(), zone, "compute.instances.preempted")) {
          if (op.getTargetLink().endsWith("/instances/" + name)) {
            return true;
          }
        }
      }
      return false;
    } catch (ApiException e) {
      throw GceFailure.of(e).toException("list preemptions");
    }
  }

  @Override
  public CreatedMachine create(MachineRequest request) {
    // Names are unique per zone, not per project: without this look, a retry after an earlier
    // attempt landed in a later zone could make a second VM of the same name in an earlier one.
    Optional<Machine> existing = find(request.name());
    if (existing.isPresent()) {
      Machine machine = existing.get();
      log.info("VM {} already exists in {}; nothing to create", machine.name(), machine.zone());
      return new CreatedMachine(machine.name(), machine.zone(), machine.spot(), true);
    }
    CreatedMachine created = placement.place(request);
    return created.alreadyExisted() ? created : onlyOne(created);
  }

  /**
   * Names are unique per zone only: two handler instances creating one name at once (a task
   * delivered twice, overlapping pool top-ups) each land it in another zone when their walks part
   * (one skipped a zone the other had not yet heard was out). So after an insert the name is listed
   * again, and if it exists in more than one zone every instance keeps the same one, the earliest
   * created (then by zone), and deletes the others. The VM this call made may be the one deleted:
   * it then answers with the kept one, as found made.
   */
  private CreatedMachine onlyOne(CreatedMachine created) {
    List<Machine> same;
    try {
      same = named(created.name());
    } catch (ComputeException e) {
      log.warn("VM {}: not listed again after its insert ({})", created.name(), e.getMessage());
      return created;
    }
    if (same.size() <= 1) {
      return created;
    }
    Machine kept =
        same.stream()
            .min(Comparator.comparing(Machine::created).thenComparing(Machine::zone))
            .orElseThrow();
    for (Machine twin : same) {
      if (twin != kept) {
        log.warn(
            "VM {}: made in {} as well, by another create at the same time; deleting it there and"
                + " keeping the one in {}",
            created.name(),
            twin.zone(),
            kept.zone());
        try {
          delete(twin);
        } catch (ComputeException e) {
          log.warn(
              "VM {}: the twin in {} not deleted yet: {}",
              created.name(),
              twin.zone(),
              e.getMessage());
        }
      }
    }
    return kept.zone().equals(created.zone())
        ? created
        : new CreatedMachine(created.name(), kept.zone(), kept.spot(), true);
  }

  @Override
  public boolean delete(String name) {
    Optional<Machine> machine = find(name);
    if (machine.isEmpty()) {
      log.info("VM {}: not found; nothing to delete", name);
      return false;
    }
    return delete(machine.get());
  }

  @Override
  public boolean delete(Machine vm) {
    String name = vm.name();
    String zone = vm.zone();
    DeleteInstanceRequest delete =
        DeleteInstanceRequest.newBuilder()
            .setProject(gce.project())
            .setZone(zone)
            .setInstance(name)
            .build();
    log.info("VM {}: deleting in {}", name, zone);
    Optional<GceFailure> failure = waiter.await(client.deleteAsync(delete), "delete " + name);
    if (failure.isEmpty()) {
      log.info("VM {}: deleted from {}", name, zone);
      return true;
    }
    if (failure.get().verdict() == GceFailure.Verdict.NOT_FOUND) {
      log.info("VM {}: already gone from {} (404)", name, zone);
      return false;
    }
    if (failure.get().verdict() == GceFailure.Verdict.NOT_READY) {
      // Two reconcile runs, or a reconcile run and a delete task, overlapping: the other one's
      // delete is under way, and deleting is all either wanted.
      log.info("VM {}: being deleted already in {} (resourceNotReady)", name, zone);
      return false;
    }
    throw failure.get().toException("delete " + name + " in " + zone);
  }

  @Override
  public boolean relabel(Machine vm, Map<String, String> added) {
    Map<String, String> labels = new LinkedHashMap<>(vm.labels());
    labels.putAll(added);
    SetLabelsInstanceRequest request =
        SetLabelsInstanceRequest.newBuilder()
            .setProject(gce.project())
            .setZone(vm.zone())
            .setInstance(vm.name())
            .setInstancesSetLabelsRequestResource(
                InstancesSetLabelsRequest.newBuilder()
                    .putAllLabels(labels)
                    .setLabelFingerprint(vm.labelFingerprint()))
            .build();
    String what = "relabel " + vm.name();
    Optional<GceFailure> failure;
    try {
      failure = waiter.await(client.setLabelsAsync(request), what);
    } catch (ApiException e) {
      failure = Optional.of(GceFailure.of(e));
    }
    if (failure.isEmpty()) {
      log.info("VM {}: labels {} set", vm.name(), added.keySet());
      return true;
    }
    GceFailure.Verdict verdict = failure.get().verdict();
    if (verdict == GceFailure.Verdict.STALE || verdict == GceFailure.Verdict.NOT_FOUND) {
      log.info("VM {}: labels not set, changed or gone meanwhile ({})", vm.name(), verdict);
      return false;
    }
    throw failure.get().toException(what + " in " + vm.zone());
  }

  @Override
  public Optional<Machine> find(String name) {
    // RFC 1035 also keeps the name safe to quote in the list filter below.
    if (!Rfc1035Name.matches(name)) {
      throw new IllegalArgumentException("not a GCE instance name: " + name);
    }
    return named(name).stream().findFirst();
  }

  /** Every VM of ours of this name, in whichever zone. */
  private List<Machine> named(String name) {
    List<Machine> found = list("(name = \"" + name + "\") AND " + MANAGED_FILTER);
    return found.stream().filter(m -> m.name().equals(name)).toList();
  }

  @Override
  public List<Machine> list() {
    return list(MANAGED_FILTER);
  }

  private List<Machine> list(String filter) {
    AggregatedListInstancesRequest request =
        AggregatedListInstancesRequest.newBuilder()
            .setProject(gce.project())
            .setFilter(filter)
            .setReturnPartialSuccess(true)
            .build();
    Instant listedAt = clock.instant();
    try {
      List<Machine> machines = new ArrayList<>();
      for (Map.Entry<String, InstancesScopedList> scope :
          client.aggregatedList(request).iterateAll()) {
        for (Instance instance : scope.getValue().getInstancesList()) {
          machines.add(reader.machine(instance, listedAt));
        }
      }
      return machines;
    } catch (ApiException e) {
      throw GceFailure.of(e).toException("list instances");
    }
  }

  @Override
  public void close() {
    regional.ifPresent(RegionalInsert::close);
    operations.close();
    client.close();
  }
}
