package io.autorunner.handler.vm.gce;

import com.google.api.gax.longrunning.OperationFuture;
import com.google.api.gax.longrunning.OperationSnapshot;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.compute.v1.AggregatedListInstancesRequest;
import com.google.cloud.compute.v1.DeleteInstanceRequest;
import com.google.cloud.compute.v1.InsertInstanceRequest;
import com.google.cloud.compute.v1.Instance;
import com.google.cloud.compute.v1.InstancesClient;
import com.google.cloud.compute.v1.InstancesScopedList;
import com.google.cloud.compute.v1.Items;
import com.google.cloud.compute.v1.ListZoneOperationsRequest;
import com.google.cloud.compute.v1.Operation;
import com.google.cloud.compute.v1.ZoneOperationsClient;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineMetadata;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runner VMs on Compute Engine, over the REST transport of google-cloud-compute. A create walks the
 * zones in order and moves on when a zone is out of capacity or does not offer the machine; it
 * answers with typed failures so the task endpoint can tell Cloud Tasks to retry or to give up.
 */
public final class ComputeEngineMachines implements RunnerMachines, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ComputeEngineMachines.class);

  /** RFC 1035: also keeps the name safe to quote in a list filter. */
  private static final Pattern NAME = Pattern.compile("[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?");

  private static final String MANAGED_FILTER =
      "(labels." + MachineLabels.MANAGED_BY + " = \"" + MachineLabels.MANAGED_BY_VALUE + "\")";

  private final GceProperties gce;
  private final InstanceFactory factory;
  private final InstancesClient client;
  private final ZoneOperationsClient operations;
  private final Duration operationTimeout;
  private final Clock clock;

  /** VMs already warned about, so a sweep every minute does not repeat the same warning. */
  private final Set<String> undated = ConcurrentHashMap.newKeySet();

  public ComputeEngineMachines(
      GceProperties gce,
      InstanceFactory factory,
      InstancesClient client,
      ZoneOperationsClient operations,
      Duration operationTimeout) {
    this(gce, factory, client, operations, operationTimeout, Clock.systemUTC());
  }

  /** With the clock that dates a listing (see {@link #machine}). */
  ComputeEngineMachines(
      GceProperties gce,
      InstanceFactory factory,
      InstancesClient client,
      ZoneOperationsClient operations,
      Duration operationTimeout,
      Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.operations = Objects.requireNonNull(operations, "operations");
    this.gce = Objects.requireNonNull(gce, "gce");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.client = Objects.requireNonNull(client, "client");
    this.operationTimeout = Objects.requireNonNull(operationTimeout, "operationTimeout");
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
        ListZoneOperationsRequest request =
            ListZoneOperationsRequest.newBuilder()
                .setProject(gce.project())
                .setZone(zone)
                .setFilter("operationType = \"compute.instances.preempted\"")
                .build();
        for (Operation op : operations.list(request).iterateAll()) {
          if (op.getTargetLink().endsWith("/instances/" + name)) {
            return true;
          }
        }
      }
      return false;
    } catch (ApiException e) {
      throw failed("list preemptions", GceFailure.of(e));
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
    RunnerSpec spec = request.spec();
    List<String> zones = spec.zone() != null ? List.of(spec.zone()) : gce.zones();
    ZoneWalk walk = walk(request, zones, spec.spot());
    if (walk.created() != null) {
      return walk.created();
    }
    if (spec.spot() && gce.spotFallbackToStandard() && !walk.outOfCapacity().isEmpty()) {
      log.warn(
          "VM {}: Spot capacity is out in {}; trying standard provisioning",
          request.name(),
          walk.outOfCapacity());
      ZoneWalk standard = walk(request, walk.outOfCapacity(), false);
      if (standard.created() != null) {
        return standard.created();
      }
      walk = standard;
    }
    String wanted = describe(spec);
    if (!walk.outOfCapacity().isEmpty()) {
      throw new ComputeException.Capacity(
          "no capacity for " + wanted + " in zones " + walk.outOfCapacity(), walk.lastFailure());
    }
    throw new ComputeException.Permanent(
        "none of the zones " + zones + " offers " + wanted, walk.lastFailure());
  }

  private record ZoneWalk(
      CreatedMachine created, List<String> outOfCapacity, ComputeException lastFailure) {}

  /** Tries each zone in turn until one takes the VM; rethrows what no other zone can fix. */
  private ZoneWalk walk(MachineRequest request, List<String> zones, boolean spot) {
    List<String> outOfCapacity = new ArrayList<>();
    ComputeException last = null;
    for (String zone : zones) {
      log.info(
          "VM {}: inserting {} {} in {}",
          request.name(),
          spot ? "Spot" : "standard",
          describe(request.spec()),
          zone);
      Instance instance = factory.instance(request, zone, spot);
      InsertInstanceRequest insert =
          InsertInstanceRequest.newBuilder()
              .setProject(gce.project())
              .setZone(zone)
              .setInstanceResource(instance)
              .build();
      Optional<GceFailure> failure = await(client.insertAsync(insert), "insert " + request.name());
      if (failure.isEmpty()) {
        log.info("VM {}: created in {} ({})", request.name(), zone, spot ? "Spot" : "standard");
        return new ZoneWalk(new CreatedMachine(request.name(), zone, spot, false), List.of(), null);
      }
      GceFailure f = failure.get();
      switch (f.verdict()) {
        case ALREADY_EXISTS -> {
          log.info("VM {}: already exists in {} (409); nothing to create", request.name(), zone);
          return new ZoneWalk(
              new CreatedMachine(request.name(), zone, spot, true), List.of(), null);
        }
        case NO_CAPACITY -> {
          log.warn(
              "VM {}: {} is out of capacity ({}); next zone", request.name(), zone, f.summary());
          outOfCapacity.add(zone);
          last = new ComputeException.Capacity(zone + ": " + f.summary(), f.cause());
        }
        case NOT_OFFERED -> {
          log.warn(
              "VM {}: {} does not offer this machine or GPU ({}); next zone",
              request.name(),
              zone,
              f.summary());
          last = new ComputeException.Permanent(zone + ": " + f.summary(), f.cause());
        }
        default -> throw failed("insert " + request.name() + " in " + zone, f);
      }
    }
    return new ZoneWalk(null, List.copyOf(outOfCapacity), last);
  }

  @Override
  public boolean delete(String name) {
    Optional<Machine> machine = find(name);
    if (machine.isEmpty()) {
      log.info("VM {}: not found; nothing to delete", name);
      return false;
    }
    String zone = machine.get().zone();
    DeleteInstanceRequest delete =
        DeleteInstanceRequest.newBuilder()
            .setProject(gce.project())
            .setZone(zone)
            .setInstance(name)
            .build();
    log.info("VM {}: deleting in {}", name, zone);
    Optional<GceFailure> failure = await(client.deleteAsync(delete), "delete " + name);
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
    throw failed("delete " + name + " in " + zone, failure.get());
  }

  @Override
  public Optional<Machine> find(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a GCE instance name: " + name);
    }
    List<Machine> found = list("(name = \"" + name + "\") AND " + MANAGED_FILTER);
    return found.stream().filter(m -> m.name().equals(name)).findFirst();
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
          machines.add(machine(instance, listedAt));
        }
      }
      return machines;
    } catch (ApiException e) {
      throw failed("list instances", GceFailure.of(e));
    }
  }

  /**
   * The VM as listed at {@code listedAt}.
   *
   * <p>GCE stamps every instance with its creation time when it accepts the insert. Should the
   * stamp ever be missing or unreadable, the VM reads as created when it was listed: young. Judged
   * old instead, a VM still booting could be deleted by the reconciler, or keep its place under the
   * cap ahead of VMs made earlier; young, it stays inside its boot window and ranks last for the
   * cap. The price is that such a VM is never deleted for its age alone (GCE's max-run-duration
   * still ends it); the warning, logged once per VM, is how an operator hears of it.
   */
  private Machine machine(Instance instance, Instant listedAt) {
    return new Machine(
        instance.getName(),
        lastSegment(instance.getZone()),
        InstanceStatus.of(instance.getStatus()),
        instance.getLabelsMap(),
        created(instance).orElseGet(() -> undated(instance.getName(), listedAt)),
        jobOf(instance));
  }

  private Instant undated(String name, Instant listedAt) {
    if (undated.add(name)) {
      log.warn(
          "VM {} has no readable creationTimestamp; read as created when listed ({}), so it is"
              + " never deleted for its age alone",
          name,
          listedAt);
    }
    return listedAt;
  }

  /** Reads only the job's own metadata keys: the startup script next to them holds a secret. */
  public static JobRef jobOf(Instance instance) {
    Map<String, String> items = new HashMap<>();
    for (Items item : instance.getMetadata().getItemsList()) {
      if (MachineMetadata.isJobKey(item.getKey())) {
        items.put(item.getKey(), item.getValue());
      }
    }
    return MachineMetadata.jobOf(items);
  }

  /**
   * Waits for an operation; empty when it succeeded. Errors are read from the finished operation
   * when there is one (its codes say what the exception's status hides), else from the exception.
   */
  private Optional<GceFailure> await(OperationFuture<Operation, Operation> future, String what) {
    try {
      future.get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return Optional.empty();
    } catch (ExecutionException e) {
      Optional<Operation> finished = finishedWithError(future);
      if (finished.isPresent()) {
        return Optional.of(GceFailure.of(finished.get()));
      }
      if (accepted(future)) {
        // GCE took the request and only watching it failed: the operation may still complete.
        throw new ComputeException.Transient(
            what + " was accepted, then its operation could not be read: " + e.getCause(),
            e.getCause(),
            true);
      }
      if (e.getCause() instanceof ApiException api) {
        return Optional.of(GceFailure.of(api));
      }
      throw new ComputeException.Transient(what + " failed: " + e.getCause(), e.getCause(), true);
    } catch (TimeoutException e) {
      future.cancel(false);
      // The operation may still finish: the retry finds the VM by name instead of inserting again.
      throw new ComputeException.Transient(
          what + " did not finish within " + operationTimeout, e, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ComputeException.Transient(what + " was interrupted", e, true);
    }
  }

  /** True when GCE answered the request itself with an operation: it runs, whatever came after. */
  private static boolean accepted(OperationFuture<Operation, Operation> f) {
    if (!f.getInitialFuture().isDone()) {
      return false;
    }
    try {
      f.getInitialFuture().get();
      return true;
    } catch (ExecutionException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Optional<Operation> finishedWithError(OperationFuture<Operation, Operation> f) {
    if (!f.getPollingFuture().isDone()) {
      return Optional.empty();
    }
    try {
      OperationSnapshot snapshot = f.getPollingFuture().get();
      if (snapshot.getResponse() instanceof Operation operation
          && operation.hasError()
          && operation.getError().getErrorsCount() > 0) {
        return Optional.of(operation);
      }
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static ComputeException failed(String what, GceFailure failure) {
    String message = what + " failed: " + failure.summary();
    log.warn("{} ({})", message, failure.verdict());
    return switch (failure.verdict()) {
      case QUOTA_ZERO ->
          new ComputeException.Permanent(
              message + " (a quota of 0: ask for a quota raise)", failure.cause());
      case QUOTA, TRANSIENT, NO_CAPACITY, NOT_READY ->
          new ComputeException.Transient(message, failure.cause());
      case ALREADY_EXISTS, NOT_FOUND, NOT_OFFERED, PERMANENT ->
          new ComputeException.Permanent(message, failure.cause());
    };
  }

  private static String describe(RunnerSpec spec) {
    return spec.machineType()
        + (spec.hasGpu()
            ? " with " + spec.accelerator().count() + "x " + spec.accelerator().type()
            : "");
  }

  private static String lastSegment(String url) {
    return url.substring(url.lastIndexOf('/') + 1);
  }

  /** GCE's RFC 3339 creation stamp; empty when missing or not readable. */
  private static Optional<Instant> created(Instance instance) {
    String rfc3339 = instance.getCreationTimestamp();
    if (rfc3339.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(rfc3339).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    operations.close();
    client.close();
  }
}
