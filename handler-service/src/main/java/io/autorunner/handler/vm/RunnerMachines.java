package io.autorunner.handler.vm;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The VMs behind runners. Adapters: {@code ComputeEngineMachines} (GCE), {@code DryRunMachines}
 * (local default). Every method is idempotent: Cloud Tasks delivers at least once.
 */
public interface RunnerMachines {

  /**
   * Creates the VM, trying the request's zones in order.
   *
   * @return where it runs; an instance that already exists is success, not failure
   * @throws ComputeException.Capacity when no zone has capacity (retry later)
   * @throws ComputeException.Transient on 5xx/429 or timeouts (retry)
   * @throws ComputeException.Permanent on what retrying cannot fix (quota of 0, bad request)
   */
  CreatedMachine create(MachineRequest request);

  /**
   * Deletes the VM of this name in whichever zone it is.
   *
   * @return false when there was nothing to delete
   */
  boolean delete(String name);

  /**
   * Deletes a VM as it was listed, in the zone it was listed in: no second lookup of where it is (a
   * retirement has just read it).
   *
   * @return false when there was nothing to delete
   */
  default boolean delete(Machine vm) {
    return delete(vm.name());
  }

  /**
   * Adds (or overwrites) labels of the VM, provided its labels are still those it was read with
   * ({@link Machine#labelFingerprint}): GCE refuses a change made with a stale fingerprint, so of
   * two callers that read the same VM, exactly one relabels it. Waits for the change to be done.
   *
   * @return false when the labels changed since {@code vm} was read, or the VM is gone
   * @throws ComputeException.Transient on 5xx/429 or timeouts (retry)
   */
  boolean relabel(Machine vm, Map<String, String> added);

  /** The managed VM of this name, if it exists. */
  Optional<Machine> find(String name);

  /** Every VM autorunner manages (found by its managed-by label). */
  List<Machine> list();

  /**
   * True when Compute Engine preempted the VM of this name (a Spot VM reclaimed; with
   * instanceTerminationAction=DELETE it is gone, but GCE keeps the preemption operation).
   */
  boolean wasPreempted(String name);
}
