package io.autorunner.handler.vm;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a VM is made of, as its labels record it from the insert: enough to price its life.
 *
 * @param gpuType the accelerator type, or empty for none
 * @param gpuCount 0 without GPUs
 * @param diskType the boot disk's type ({@code pd-balanced}, …)
 */
public record BilledShape(
    String machineType, String gpuType, int gpuCount, int diskGb, String diskType, boolean spot) {

  public BilledShape {
    Objects.requireNonNull(machineType, "machineType");
    gpuType = gpuType == null ? "" : gpuType;
    Objects.requireNonNull(diskType, "diskType");
    if (gpuCount < 0 || diskGb < 0) {
      throw new IllegalArgumentException("GPU count and disk size cannot be negative");
    }
  }

  /** The labels that record a shape ({@link MachineLabels}). */
  public Map<String, String> labels() {
    return Map.of(
        MachineLabels.MACHINE_TYPE, machineType,
        MachineLabels.GPU_TYPE, gpuType,
        MachineLabels.GPU_COUNT, Integer.toString(gpuCount),
        MachineLabels.DISK_GB, Integer.toString(diskGb),
        MachineLabels.DISK_TYPE, diskType);
  }

  /** The shape a VM's labels record; empty for a VM made before they did, or by hand. */
  public static Optional<BilledShape> of(Map<String, String> labels) {
    String type = labels.get(MachineLabels.MACHINE_TYPE);
    String disk = labels.get(MachineLabels.DISK_GB);
    String diskType = labels.get(MachineLabels.DISK_TYPE);
    if (type == null || type.isEmpty() || disk == null || diskType == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new BilledShape(
              type,
              labels.getOrDefault(MachineLabels.GPU_TYPE, ""),
              Integer.parseInt(labels.getOrDefault(MachineLabels.GPU_COUNT, "0")),
              Integer.parseInt(disk),
              diskType,
              !"false".equals(labels.get(MachineLabels.SPOT))));
    } catch (IllegalArgumentException unreadable) {
      return Optional.empty();
    }
  }
}
