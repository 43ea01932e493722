package io.autorunner.handler.task;

import io.autorunner.common.event.UntrustedText;
import io.autorunner.common.logging.LogFields;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.task.JobRef;
import io.autorunner.handler.cost.VmCost;
import io.autorunner.handler.cost.VmPricing;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.vm.BilledShape;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineLabels;
import io.autorunner.handler.vm.MachineRequest;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One line when a VM is inserted and one when it is deleted, whoever deletes it (the task that ends
 * its job, the cap's undo, a release, the reconciler), with the fields Cloud Monitoring counts
 * ({@link LogFields}): its shape, its job, and at deletion the seconds it lived and what that cost
 * at the configured prices, the figure the dashboard sums per repository and day.
 */
public final class MachineLog {

  private static final Logger log = LoggerFactory.getLogger(MachineLog.class);

  private final VmPricing pricing;
  private final Clock clock;

  public MachineLog(VmPricing pricing, Clock clock) {
    this.pricing = pricing;
    this.clock = clock;
  }

  /** A VM this call inserted; {@code status} is GitHub's view of its job, read just before. */
  void created(MachineRequest request, CreatedMachine created, Optional<JobStatus> status) {
    Optional<JobRef> job = request.job();
    LoggingEventBuilder line =
        log.atInfo()
            .addKeyValue(LogFields.EVENT, LogFields.Events.VM_CREATED)
            .addKeyValue(LogFields.VM, created.name())
            .addKeyValue(LogFields.ZONE, created.zone())
            .addKeyValue(LogFields.REPOSITORY, request.repositoryLabel());
    if (job.isPresent()) {
      line =
          line.addKeyValue(LogFields.JOB_ID, job.get().jobId())
              .addKeyValue(LogFields.RUN_ID, job.get().runId());
    }
    // The seeker may have made another of the job's choices than its first: log what exists, which
    // the created-VM and cost metrics count by.
    RunnerSpec made = created.madeOr(request.spec());
    line =
        line.addKeyValue(LogFields.MACHINE_TYPE, made.machineType())
            .addKeyValue(LogFields.GPU_TYPE, made.hasGpu() ? made.accelerator().type() : "")
            .addKeyValue(LogFields.GPU_COUNT, made.hasGpu() ? made.accelerator().count() : 0)
            .addKeyValue(LogFields.DISK_GB, made.diskGb())
            .addKeyValue(LogFields.SPOT, created.spot());
    // Names a repository's authors wrote: one line of printable ASCII, however they spelled them.
    line = withNames(line, printable(request.workflow()), printable(request.jobName()));
    Optional<Instant> queued = status.flatMap(JobStatus::createdAt);
    if (queued.isPresent()) {
      line =
          line.addKeyValue(
              LogFields.QUEUED_TO_INSERT_S,
              seconds(Duration.between(queued.get(), clock.instant())));
    }
    line.log(
        "VM {} created in {} for {}",
        created.name(),
        created.zone(),
        job.map(j -> "job " + j.jobId() + " of " + j.repository())
            .orElseGet(() -> "warm pool " + request.pool().orElseThrow().pool()));
  }

  /** A VM deleted for {@code reason}: how long it lived, and what that cost. */
  public void deleted(Machine vm, String reason) {
    Duration alive = vm.age(clock.instant());
    Optional<BilledShape> shape = vm.billedShape();
    Optional<VmCost> cost = shape.map(s -> pricing.cost(s, alive));
    LoggingEventBuilder line =
        log.atInfo()
            .addKeyValue(LogFields.EVENT, LogFields.Events.VM_DELETED)
            .addKeyValue(LogFields.VM, vm.name())
            .addKeyValue(LogFields.ZONE, vm.zone())
            .addKeyValue(LogFields.REASON, reason)
            .addKeyValue(LogFields.SECONDS_ALIVE, seconds(alive))
            .addKeyValue(LogFields.SPOT, vm.spot());
    Optional<JobRef> job = vm.job();
    if (job.isPresent()) {
      line =
          line.addKeyValue(LogFields.JOB_ID, job.get().jobId())
              .addKeyValue(LogFields.RUN_ID, job.get().runId())
              .addKeyValue(LogFields.REPOSITORY, job.get().repository());
    } else if (vm.labels().containsKey(MachineLabels.REPOSITORY)) {
      line = line.addKeyValue(LogFields.REPOSITORY, vm.labels().get(MachineLabels.REPOSITORY));
    }
    line =
        withNames(
            line, vm.labels().get(MachineLabels.WORKFLOW), vm.labels().get(MachineLabels.JOB_NAME));
    if (shape.isPresent()) {
      line =
          line.addKeyValue(LogFields.MACHINE_TYPE, shape.get().machineType())
              .addKeyValue(LogFields.GPU_TYPE, shape.get().gpuType())
              .addKeyValue(LogFields.GPU_COUNT, shape.get().gpuCount())
              .addKeyValue(LogFields.DISK_GB, shape.get().diskGb());
    }
    Optional<BigDecimal> usd = cost.flatMap(VmCost::usd);
    if (usd.isPresent()) {
      // A BigDecimal, so the JSON reads 0.000468, not 4.68E-4.
      line = line.addKeyValue(LogFields.COST_USD, usd.get());
    }
    line.log(
        "VM {} deleted ({}) after {} s: {}",
        vm.name(),
        reason,
        Math.round(seconds(alive)),
        usd.map(u -> "about " + u.toPlainString() + " USD at " + pricing.region() + " prices")
            .orElseGet(
                () ->
                    "cost unknown, no price for "
                        + cost.map(VmCost::unpriced)
                            .orElse("a VM whose labels do not say its shape")));
  }

  private static LoggingEventBuilder withNames(
      LoggingEventBuilder line, String workflow, String jobName) {
    LoggingEventBuilder named = line;
    if (workflow != null) {
      named = named.addKeyValue(LogFields.WORKFLOW, workflow);
    }
    if (jobName != null) {
      named = named.addKeyValue(LogFields.JOB_NAME, jobName);
    }
    return named;
  }

  private static String printable(String name) {
    return name == null
        ? null
        : UntrustedText.printable(name, UntrustedText.Alphabet.ASCII, UntrustedText.MAX);
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
