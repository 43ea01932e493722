package io.autorunner.handler.task;

import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The compute port as a map, with a failure to throw on the next create or delete. */
final class InMemoryMachines implements RunnerMachines {

  final Map<String, MachineRequest> created = new LinkedHashMap<>();
  final List<String> deleted = new ArrayList<>();
  ComputeException failCreate;
  ComputeException failDelete;

  @Override
  public CreatedMachine create(MachineRequest request) {
    if (failCreate != null) {
      throw failCreate;
    }
    boolean existed = created.putIfAbsent(request.name(), request) != null;
    return new CreatedMachine(request.name(), "us-central1-a", request.spec().spot(), existed);
  }

  @Override
  public boolean delete(String name) {
    if (failDelete != null) {
      throw failDelete;
    }
    deleted.add(name);
    return created.remove(name) != null;
  }

  @Override
  public Optional<Machine> find(String name) {
    return Optional.ofNullable(created.get(name)).map(InMemoryMachines::machine);
  }

  @Override
  public List<Machine> list() {
    return created.values().stream().map(InMemoryMachines::machine).toList();
  }

  private static Machine machine(MachineRequest r) {
    return new Machine(r.name(), "us-central1-a", "RUNNING", Map.of(), Instant.EPOCH, r.job());
  }
}
