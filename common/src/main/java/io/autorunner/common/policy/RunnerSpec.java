package io.autorunner.common.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a job asked for, after validation: every field is safe to put in a GCE request or a rendered
 * script.
 *
 * @param machineType a GCE machine type name, unqualified (e.g. {@code n1-standard-4})
 * @param accelerator the GPUs, or null for a CPU-only VM
 * @param diskGb boot disk size
 * @param imageAlias an operator-defined image alias, or null for the default image of the OS/GPU
 * @param zone a pinned zone, or null to use the configured zone list
 * @param spot Spot provisioning (true) or standard (false)
 * @param os the guest OS
 * @param labels the job's labels, exactly as the runner must register them
 * @param gpuFallbacks the GPUs the job accepts after {@code accelerator}, in its order of
 *     preference ({@code gpu=nvidia-l4.nvidia-tesla-t4}), each with the machine that carries it
 */
public record RunnerSpec(
    String machineType,
    Accelerator accelerator,
    int diskGb,
    String imageAlias,
    String zone,
    boolean spot,
    OperatingSystem os,
    List<String> labels,
    List<GpuChoice> gpuFallbacks) {

  /** A GPU a job accepts, on the machine type that carries it. */
  public record GpuChoice(String machineType, Accelerator accelerator) {
    public GpuChoice {
      Objects.requireNonNull(machineType, "machineType");
      Objects.requireNonNull(accelerator, "accelerator");
    }
  }

  public RunnerSpec {
    Objects.requireNonNull(machineType, "machineType");
    Objects.requireNonNull(os, "os");
    if (diskGb < 10) {
      throw new IllegalArgumentException("a boot disk must be at least 10 GB");
    }
    labels = List.copyOf(labels);
    gpuFallbacks = gpuFallbacks == null ? List.of() : List.copyOf(gpuFallbacks);
    if (accelerator == null && !gpuFallbacks.isEmpty()) {
      throw new IllegalArgumentException("GPU fallbacks need a first GPU");
    }
  }

  /** A spec with no GPU fallbacks. */
  public RunnerSpec(
      String machineType,
      Accelerator accelerator,
      int diskGb,
      String imageAlias,
      String zone,
      boolean spot,
      OperatingSystem os,
      List<String> labels) {
    this(machineType, accelerator, diskGb, imageAlias, zone, spot, os, labels, List.of());
  }

  /**
   * The machines to try, in the job's order of preference: this spec, then one per GPU fallback
   * (each with no fallbacks of its own).
   */
  public List<RunnerSpec> choices() {
    List<RunnerSpec> choices = new java.util.ArrayList<>();
    choices.add(
        new RunnerSpec(machineType, accelerator, diskGb, imageAlias, zone, spot, os, labels));
    for (GpuChoice choice : gpuFallbacks) {
      choices.add(
          new RunnerSpec(
              choice.machineType(),
              choice.accelerator(),
              diskGb,
              imageAlias,
              zone,
              spot,
              os,
              labels));
    }
    return choices;
  }

  /**
   * The job's {@code bind=} label. Without one the job may take the runner made for any other job
   * whose labels include all of its own (a CPU job the GPU job's runner), leaving that job to wait
   * for a VM of its own again.
   */
  public Optional<String> binding() {
    return BindingLabel.in(labels);
  }

  public boolean hasGpu() {
    return accelerator != null;
  }

  /** The machine family, the part of the machine type before the first dash. */
  public String machineFamily() {
    return MachineFamilies.familyOf(machineType);
  }

  /** The same spec with standard provisioning, for the fallback when Spot capacity is out. */
  public RunnerSpec withStandardProvisioning() {
    return new RunnerSpec(
        machineType, accelerator, diskGb, imageAlias, zone, false, os, labels, gpuFallbacks);
  }
}
