package io.autorunner.handler.testing;

import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.PolicyProperties;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.HandoutAddress;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.MachineShape;
import io.autorunner.handler.vm.RunnerMachines;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The compute port as maps, as GCE keeps VMs: each has an instance id, labels with a fingerprint
 * that moves on with every change ({@link #relabel} with a stale one is refused), and is listed
 * only while it carries {@code managed-by=autorunner}. Failures and races are injected by fields.
 */
public final class InMemoryMachines implements RunnerMachines {

  /** What the in-memory VMs ask at boot. */
  public static final HandoutAddress HANDOUT =
      new HandoutAddress(
          URI.create("https://handler.example/vm/runner-config"), "https://handler.example");

  public static final String ZONE = "us-central1-a";

  public final Map<String, MachineRequest> created = new LinkedHashMap<>();
  public final Map<String, Instant> createdAt = new LinkedHashMap<>();
  public final Map<String, String> status = new LinkedHashMap<>();
  public final Map<String, String> instanceIds = new LinkedHashMap<>();
  public final List<String> deleted = new ArrayList<>();

  /** Every VM name inserted, in order, whatever became of it. */
  public final List<String> inserted = new ArrayList<>();

  /** The labels each deleted VM had at its delete. */
  public final Map<String, Map<String, String>> labelsWhenDeleted = new LinkedHashMap<>();

  public final Set<String> preempted = new HashSet<>();
  public ComputeException failCreate;
  public ComputeException failDelete;
  public ComputeException failRelabel;

  /** Runs inside the next create, before its insert: another instance's insert racing it. */
  public Runnable beforeCreate;

  /** Runs inside the next create, after its insert: the VM booting at once. */
  public Runnable afterCreate;

  /**
   * Runs inside the next relabel, before the fingerprint is compared: another caller changing the
   * VM's labels between this caller's read and its change.
   */
  public Runnable beforeRelabel;

  /** Runs inside the next delete, before anything is deleted. */
  public Runnable beforeDelete;

  /** The time new VMs are stamped with. */
  public Instant now = Instant.parse("2026-11-27T12:00:00Z");

  private final Map<String, Map<String, String>> labels = new LinkedHashMap<>();
  private final Map<String, Long> labelVersions = new LinkedHashMap<>();
  private final AtomicLong ids = new AtomicLong(4_611_686_018_427_387_904L);

  @Override
  public CreatedMachine create(MachineRequest request) {
    if (failCreate != null) {
      throw failCreate;
    }
    Runnable race = beforeCreate;
    beforeCreate = null;
    run(race);
    boolean existed = created.containsKey(request.name());
    if (!existed) {
      store(request, now, 0);
      inserted.add(request.name());
      Runnable boot = afterCreate;
      afterCreate = null;
      run(boot);
    }
    return new CreatedMachine(request.name(), ZONE, request.spec().spot(), existed);
  }

  /** A VM made by someone else (another handler instance), created at {@code at}, no runner yet. */
  public void add(String name, JobRef job, Instant at) {
    store(request(name, job), at, 0);
  }

  /** A VM made by someone else, created at {@code at}, that was handed runner {@code runnerId}. */
  public void add(String name, JobRef job, Instant at, long runnerId) {
    store(request(name, job), at, runnerId);
  }

  /**
   * Someone else (another handler instance, a person in the console) changes the VM's labels: its
   * fingerprint moves on, so a relabel by whoever read it before is refused.
   */
  public void changeLabels(String name, Consumer<Map<String, String>> change) {
    change.accept(labels.get(name));
    labelVersions.merge(name, 1L, Long::sum);
  }

  @Override
  public boolean relabel(Machine vm, Map<String, String> added) {
    if (failRelabel != null) {
      throw failRelabel;
    }
    Runnable race = beforeRelabel;
    beforeRelabel = null;
    run(race);
    if (!created.containsKey(vm.name())) {
      return false; // GCE: 404
    }
    if (!fingerprint(vm.name()).equals(vm.labelFingerprint())) {
      return false; // GCE: 412 conditionNotMet
    }
    changeLabels(vm.name(), l -> l.putAll(added));
    return true;
  }

  @Override
  public boolean delete(String name) {
    if (failDelete != null) {
      throw failDelete;
    }
    Runnable first = beforeDelete;
    beforeDelete = null;
    run(first);
    deleted.add(name);
    createdAt.remove(name);
    status.remove(name);
    instanceIds.remove(name);
    labelVersions.remove(name);
    Map<String, String> had = labels.remove(name);
    if (had != null) {
      labelsWhenDeleted.put(name, Map.copyOf(had));
    }
    return created.remove(name) != null;
  }

  /** Like GCE's filtered listing: a VM without {@code managed-by=autorunner} is not found. */
  @Override
  public Optional<Machine> find(String name) {
    return Optional.ofNullable(created.get(name)).filter(this::managed).map(this::machine);
  }

  @Override
  public List<Machine> list() {
    return created.values().stream().filter(this::managed).map(this::machine).toList();
  }

  @Override
  public boolean wasPreempted(String name) {
    return preempted.contains(name);
  }

  /** Spot preemption with instanceTerminationAction=DELETE: the VM is gone, the record stays. */
  public void preempt(String name) {
    preempted.add(name);
    created.remove(name);
    createdAt.remove(name);
    labels.remove(name);
  }

  /** {@code runnerId} 0: none recorded. */
  private void store(MachineRequest request, Instant at, long runnerId) {
    Map<String, String> initial = new LinkedHashMap<>();
    initial.put(MachineLabels.MANAGED_BY, MachineLabels.MANAGED_BY_VALUE);
    request
        .job()
        .ifPresent(
            job -> {
              initial.put(MachineLabels.JOB_ID, Long.toString(job.jobId()));
              initial.put(MachineLabels.RUN_ID, Long.toString(job.runId()));
            });
    request.pool().ifPresent(pool -> initial.put(MachineLabels.POOL, pool.pool()));
    initial.put(MachineLabels.SPOT, Boolean.toString(request.spec().spot()));
    if (runnerId > 0) {
      initial.put(MachineLabels.RUNNER_ID, Long.toString(runnerId));
    }
    created.put(request.name(), request);
    createdAt.put(request.name(), at);
    instanceIds.put(request.name(), Long.toUnsignedString(ids.incrementAndGet()));
    labels.put(request.name(), initial);
    labelVersions.put(request.name(), 1L);
  }

  private boolean managed(MachineRequest r) {
    Map<String, String> l = labels.get(r.name());
    return l != null && MachineLabels.MANAGED_BY_VALUE.equals(l.get(MachineLabels.MANAGED_BY));
  }

  private String fingerprint(String name) {
    return "fp-" + labelVersions.get(name);
  }

  private Machine machine(MachineRequest r) {
    return new Machine(
        r.name(),
        ZONE,
        InstanceStatus.of(status.getOrDefault(r.name(), "RUNNING")),
        labels.get(r.name()),
        createdAt.getOrDefault(r.name(), now),
        r.job(),
        instanceIds.get(r.name()),
        fingerprint(r.name()),
        r.spec().labels(),
        r.pool().<io.autorunner.common.task.RepositoryScope>map(MachineRequest.PoolMember::scope),
        r.spec().accelerator() == null
            ? MachineShape.of(r.spec().machineType())
            : new MachineShape(
                r.spec().machineType(),
                r.spec().accelerator().type(),
                r.spec().accelerator().count()));
  }

  private static MachineRequest request(String name, JobRef job) {
    return new MachineRequest(
        name,
        ((LabelDecision.Accepted)
                new LabelPolicy(PolicyProperties.defaults()).resolve(List.of("self-hosted", "gce")))
            .spec(),
        job,
        HANDOUT,
        "#!/bin/sh");
  }

  private static void run(Runnable hook) {
    if (hook != null) {
      hook.run();
    }
  }
}
