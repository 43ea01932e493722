package io.autorunner.handler.vm;

import java.util.Objects;

/**
 * What a VM is, as GCE says: its machine type and the GPUs attached to it. What a VM costs follows
 * from it.
 *
 * @param machineType e.g. {@code n1-standard-4}; empty when the adapter cannot tell
 * @param gpuType e.g. {@code nvidia-tesla-t4}; empty for a VM without a GPU
 * @param gpuCount GPUs of that type; 0 without one
 */
public record MachineShape(String machineType, String gpuType, int gpuCount) {

  /** The shape of a VM read by an adapter that does not say. */
  public static final MachineShape UNKNOWN = new MachineShape("", "", 0);

  public MachineShape {
    Objects.requireNonNull(machineType, "machineType");
    Objects.requireNonNull(gpuType, "gpuType");
    if (gpuCount < 0 || (gpuCount == 0) != gpuType.isEmpty()) {
      throw new IllegalArgumentException(
          "a GPU count of " + gpuCount + " with GPU type '" + gpuType + "'");
    }
  }

  /** A machine without GPUs. */
  public static MachineShape of(String machineType) {
    return new MachineShape(machineType, "", 0);
  }

  public boolean known() {
    return !machineType.isEmpty();
  }

  /** {@code n1-standard-4 + 1 x nvidia-tesla-t4}, {@code e2-standard-4}, or {@code unknown}. */
  @Override
  public String toString() {
    if (!known()) {
      return "unknown";
    }
    return gpuCount == 0 ? machineType : machineType + " + " + gpuCount + " x " + gpuType;
  }
}
