package io.autorunner.handler.vm;

import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RepositoryScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A VM as the compute port sees it.
 *
 * @param status its lifecycle state, as GCE reported it
 * @param labels the VM's labels (job id, run id, repository, managed-by)
 * @param created when GCE created it; never null. An adapter that cannot tell says when it listed
 *     the VM instead, so the VM reads as young: the reconciler's age rules then keep it (a booting
 *     VM must not be deleted on a guess) and the cap ranks it last
 * @param job the job it was made for, from its metadata; empty for a VM that does not say
 * @param instanceId GCE's numeric id of the instance; empty when the adapter cannot tell
 * @param labelFingerprint GCE's fingerprint of the labels as read: a label change made with it
 *     succeeds only if nobody changed them since ({@link RunnerMachines#relabel})
 * @param runnerLabels the labels its runner is to register with, from its metadata
 * @param poolScope for a warm pool's VM (made for no job), where its runner registers; from its
 *     metadata
 * @param shape its machine type and GPUs; {@link MachineShape#UNKNOWN} when the adapter cannot tell
 */
public record Machine(
    String name,
    String zone,
    InstanceStatus status,
    Map<String, String> labels,
    Instant created,
    Optional<JobRef> job,
    String instanceId,
    String labelFingerprint,
    List<String> runnerLabels,
    Optional<RepositoryScope> poolScope,
    MachineShape shape) {
  public Machine {
    Objects.requireNonNull(status, "status");
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    Objects.requireNonNull(created, "created");
    Objects.requireNonNull(job, "job");
    instanceId = instanceId == null ? "" : instanceId;
    labelFingerprint = labelFingerprint == null ? "" : labelFingerprint;
    runnerLabels = runnerLabels == null ? List.of() : List.copyOf(runnerLabels);
    Objects.requireNonNull(poolScope, "poolScope");
    shape = shape == null ? MachineShape.UNKNOWN : shape;
  }

  /** A VM read with its pool scope (or none) but not its shape. */
  public Machine(
      String name,
      String zone,
      InstanceStatus status,
      Map<String, String> labels,
      Instant created,
      Optional<JobRef> job,
      String instanceId,
      String labelFingerprint,
      List<String> runnerLabels,
      Optional<RepositoryScope> poolScope) {
    this(
        name,
        zone,
        status,
        labels,
        created,
        job,
        instanceId,
        labelFingerprint,
        runnerLabels,
        poolScope,
        MachineShape.UNKNOWN);
  }

  /** A job's VM read with its shape. */
  public Machine(
      String name,
      String zone,
      InstanceStatus status,
      Map<String, String> labels,
      Instant created,
      Optional<JobRef> job,
      String instanceId,
      String labelFingerprint,
      List<String> runnerLabels,
      MachineShape shape) {
    this(
        name,
        zone,
        status,
        labels,
        created,
        job,
        instanceId,
        labelFingerprint,
        runnerLabels,
        Optional.empty(),
        shape);
  }

  /** A VM made for a job, or read without a pool scope. */
  public Machine(
      String name,
      String zone,
      InstanceStatus status,
      Map<String, String> labels,
      Instant created,
      Optional<JobRef> job,
      String instanceId,
      String labelFingerprint,
      List<String> runnerLabels) {
    this(
        name,
        zone,
        status,
        labels,
        created,
        job,
        instanceId,
        labelFingerprint,
        runnerLabels,
        Optional.empty());
  }

  /** A VM known by what the reconciler reads: no id, fingerprint or runner labels. */
  public Machine(
      String name,
      String zone,
      InstanceStatus status,
      Map<String, String> labels,
      Instant created,
      Optional<JobRef> job) {
    this(name, zone, status, labels, created, job, "", "", List.of());
  }

  /**
   * True once a retirement has claimed the VM ({@link MachineLabels#RETIRING}): it gets no runner
   * any more.
   */
  public boolean retiring() {
    return labels.containsKey(MachineLabels.RETIRING);
  }

  /** The runner registered for this VM, from its label; empty for a VM made without one. */
  public OptionalLong runnerId() {
    String id = labels.get(MachineLabels.RUNNER_ID);
    if (id == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(id));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The warm pool the VM belongs to ({@link MachineLabels#POOL}); empty for a job's own VM. */
  public Optional<String> pool() {
    return Optional.ofNullable(labels.get(MachineLabels.POOL));
  }

  /**
   * Where the VM's runner registers: its job's scope, or for a pool's VM the pool's. Empty for a VM
   * that says neither (made by hand or by an older version).
   */
  public Optional<RepositoryScope> runnerScope() {
    return job.<RepositoryScope>map(j -> j).or(() -> poolScope);
  }

  /** How long ago GCE created it, at {@code now}. */
  public Duration age(Instant now) {
    return Duration.between(created, now);
  }

  /** True for a VM that no longer runs (or is going). */
  public boolean stopped() {
    return status.stopped();
  }

  /** What it is made of and billed for, from its labels; empty for a VM whose labels do not say. */
  public Optional<BilledShape> billedShape() {
    return BilledShape.of(labels);
  }

  /** Whether it runs as Spot: every VM does unless labelled otherwise by the standard fallback. */
  public boolean spot() {
    return !"false".equals(labels.get(MachineLabels.SPOT));
  }
}
