package io.autorunner.handler.testing;

import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.InstanceStatus;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The compute port as a map, with a failure to throw on the next create or delete. */
public final class InMemoryMachines implements RunnerMachines {

  public final Map<String, MachineRequest> created = new LinkedHashMap<>();
  public final Map<String, Instant> createdAt = new LinkedHashMap<>();
  public final Map<String, String> status = new LinkedHashMap<>();
  public final List<String> deleted = new ArrayList<>();
  public final java.util.Set<String> preempted = new java.util.HashSet<>();
  public ComputeException failCreate;
  public ComputeException failDelete;

  /** Runs inside the next create, before its insert: another instance's insert racing it. */
  public Runnable beforeCreate;

  /** The time new VMs are stamped with. */
  public Instant now = Instant.parse("2026-11-27T12:00:00Z");

  @Override
  public CreatedMachine create(MachineRequest request) {
    if (failCreate != null) {
      throw failCreate;
    }
    if (beforeCreate != null) {
      Runnable race = beforeCreate;
      beforeCreate = null;
      race.run();
    }
    boolean existed = created.putIfAbsent(request.name(), request) != null;
    createdAt.putIfAbsent(request.name(), now);
    return new CreatedMachine(request.name(), "us-central1-a", request.spec().spot(), existed);
  }

  /** A VM made by someone else (another handler instance), created at {@code at}. */
  public void add(String name, io.autorunner.common.task.JobRef job, Instant at, long runnerId) {
    created.put(
        name,
        new MachineRequest(
            name,
            ((io.autorunner.common.policy.LabelDecision.Accepted)
                    new io.autorunner.common.policy.LabelPolicy(
                            io.autorunner.common.policy.PolicyProperties.defaults())
                        .resolve(List.of("self-hosted", "gce")))
                .spec(),
            job,
            runnerId,
            "#!/bin/sh"));
    createdAt.put(name, at);
  }

  @Override
  public boolean delete(String name) {
    if (failDelete != null) {
      throw failDelete;
    }
    deleted.add(name);
    createdAt.remove(name);
    status.remove(name);
    return created.remove(name) != null;
  }

  @Override
  public Optional<Machine> find(String name) {
    return Optional.ofNullable(created.get(name)).map(this::machine);
  }

  @Override
  public List<Machine> list() {
    return created.values().stream().map(this::machine).toList();
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
  }

  private Machine machine(MachineRequest r) {
    return new Machine(
        r.name(),
        "us-central1-a",
        InstanceStatus.of(status.getOrDefault(r.name(), "RUNNING")),
        Map.of(MachineLabels.RUNNER_ID, Long.toString(r.runnerId())),
        createdAt.getOrDefault(r.name(), now),
        r.job());
  }
}
