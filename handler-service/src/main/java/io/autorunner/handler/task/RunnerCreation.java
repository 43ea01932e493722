package io.autorunner.handler.task;

import io.autorunner.common.policy.LabelDecision;
import io.autorunner.common.policy.LabelPolicy;
import io.autorunner.common.policy.RunnerSpec;
import io.autorunner.common.routing.RoutingRules;
import io.autorunner.common.task.JobRef;
import io.autorunner.common.task.RunnerTask;
import io.autorunner.handler.bootstrap.StartupScripts;
import io.autorunner.handler.github.GitHubActions;
import io.autorunner.handler.github.GitHubException;
import io.autorunner.handler.github.GitHubRunner;
import io.autorunner.handler.github.JobStatus;
import io.autorunner.handler.pool.PendingCreates;
import io.autorunner.handler.vm.ComputeException;
import io.autorunner.handler.vm.CreatedMachine;
import io.autorunner.handler.vm.HandoutAddress;
import io.autorunner.handler.vm.Machine;
import io.autorunner.handler.vm.MachineRequest;
import io.autorunner.handler.vm.RunnerMachines;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A queued job gets its VM: resolve the spec, respect the cap, insert. The VM asks for its runner
 * itself once it has booted ({@code RunnerHandout}), so nothing here mints a runner or holds a
 * secret. An existing VM is success, and the cap is checked against what GCE lists, before the
 * insert and after it.
 */
final class RunnerCreation {

  private static final Logger log = LoggerFactory.getLogger(RunnerCreation.class);

  private final LabelPolicy policy;
  private final RoutingRules rules;
  private final RunnerMachines machines;
  private final GitHubActions github;
  private final StartupScripts scripts;
  private final HandoutAddress handout;
  private final InstanceCap cap;
  private final PreemptionReruns preemptions;
  private final MachineRetirement retirement;
  private final LifecycleCounters counters;
  private final PoolTopUp pools;
  private final MachineLog machineLog;

  RunnerCreation(
      LabelPolicy policy,
      RoutingRules rules,
      RunnerMachines machines,
      GitHubActions github,
      StartupScripts scripts,
      HandoutAddress handout,
      InstanceCap cap,
      PreemptionReruns preemptions,
      LifecycleCounters counters,
      PoolTopUp pools,
      MachineLog machineLog) {
    this.policy = policy;
    this.rules = rules;
    this.machines = machines;
    this.github = github;
    this.scripts = scripts;
    this.handout = handout;
    this.cap = cap;
    this.preemptions = preemptions;
    this.retirement = new MachineRetirement(machines, github);
    this.counters = counters;
    this.pools = pools;
    this.machineLog = machineLog;
  }

  /** A queued job gets its VM: resolve the spec, respect the cap, insert. */
  TaskOutcome create(RunnerTask.CreateRunner task) {
    JobRef job = task.job();
    if (!rules.allows(job.owner(), job.repository())) {
      return TaskOutcome.refused(
          "repository " + job.repository() + " is outside the allowed owners and repositories");
    }
    LabelDecision decision = policy.resolve(task.labels());
    if (decision instanceof LabelDecision.Refused refused) {
      return TaskOutcome.refused("labels refused: " + refused.reason());
    }
    RunnerSpec requested = ((LabelDecision.Accepted) decision).spec();
    return TaskFailures.typed(() -> createVm(task, requested));
  }

  private TaskOutcome createVm(RunnerTask.CreateRunner task, RunnerSpec requested) {
    String name = task.instanceName();
    // One listing serves both the idempotency check and the cap.
    List<Machine> existing = machines.list();
    takeBackStanding(existing, name);
    Optional<Machine> made = existing.stream().filter(vm -> vm.name().equals(name)).findFirst();
    if (made.isPresent()) {
      // An earlier attempt inserted it; if that attempt failed before it could check the cap (a
      // listing or a delete that failed, a restart), this one checks now.
      Optional<String> over = cap.overflowing(name, existing);
      if (over.isPresent()) {
        return undoOverCap(made.get(), github.findRunner(task.job(), name), over.get());
      }
      return TaskOutcome.done("VM " + name + " exists already");
    }
    // Marked before the job's status is read. A refill (its job took a pool runner) that finds no
    // mark read after the job was taken and before this mark: this create then reads the job in
    // progress and makes nothing. So either this VM becomes the pool's refill, or the pool makes
    // one, never both.
    try (PendingCreates.Mark pending = pools.creating(name, requested.labels())) {
      return createQueued(task, requested, existing);
    }
  }

  private TaskOutcome createQueued(
      RunnerTask.CreateRunner task, RunnerSpec requested, List<Machine> existing) {
    String name = task.instanceName();
    // A create that arrives after its job was cancelled or served (a retried task, a release
    // that overtook it), or for a run GitHub does not know (an old or forged delivery), must not
    // leave a VM behind.
    Optional<JobStatus> status = github.job(task.job());
    if (status.isEmpty()) {
      return TaskOutcome.done(
          "GitHub does not know job "
              + task.job().jobId()
              + " of "
              + task.job().repository()
              + "; no VM made");
    }
    if (!status.get().awaitingRunner()) {
      return TaskOutcome.done(
          "job " + task.job().jobId() + " is " + status.get().status() + "; no VM needed");
    }
    RunnerSpec spec = preemptions.provisioningFor(task.job(), status, requested);
    Optional<String> full = cap.full(existing);
    if (full.isPresent()) {
      return TaskOutcome.atCapacity(full.get());
    }
    String script;
    try {
      script = scripts.render(spec, name);
    } catch (IllegalStateException | IllegalArgumentException unrenderable) {
      return TaskOutcome.refused("startup script: " + unrenderable.getMessage());
    }
    MachineRequest request =
        new MachineRequest(
            name,
            spec,
            task.job(),
            handout,
            script,
            status.get().workflowName().orElse(null),
            status.get().name().orElse(null));
    CreatedMachine created = machines.create(request);
    if (created.alreadyExisted()) {
      return TaskOutcome.done("VM existed already: " + name + " in " + created.zone());
    }
    counters.created();
    machineLog.created(request, created, status);
    List<Machine> after = machines.list();
    Optional<String> over = cap.overflowing(name, after);
    if (over.isPresent()) {
      // A listing that does not show our VM yet ranks it last: read it by name to take it back.
      Optional<Machine> ours =
          after.stream()
              .filter(vm -> vm.name().equals(name))
              .findFirst()
              .or(() -> machines.find(name));
      if (ours.isPresent()) {
        return undoOverCap(ours.get(), Optional.empty(), over.get());
      }
    }
    return TaskOutcome.created(
        "VM created: "
            + name
            + " in "
            + created.zone()
            + " ("
            + (created.placedAs().isEmpty() ? describe(spec, created) : created.placedAs())
            + ")");
  }

  /**
   * Another create won the race for the last place: this VM goes again, and the task waits. A VM
   * whose runner took a job already stays: deleting it would kill that job.
   */
  private TaskOutcome undoOverCap(Machine vm, Optional<GitHubRunner> listed, String why) {
    MachineRetirement.Result result = retirement.retire(vm, listed, false);
    if (result == MachineRetirement.Result.BUSY) {
      log.warn("VM {} is over the cap ({}) but its runner took a job; it stays", vm.name(), why);
      return TaskOutcome.created("VM created: " + vm.name() + " (over the cap, but busy at once)");
    }
    if (result == MachineRetirement.Result.DELETED) {
      counters.deleted();
      machineLog.deleted(vm, "one too many over the cap");
    }
    return TaskOutcome.atCapacity(
        "VM " + vm.name() + " was one too many (" + why + "); deleted again");
  }

  /**
   * VMs another create left over the cap when it died between its insert and its check go now, not
   * at that create's retry (see {@link InstanceCap#standingOver}). They still count for this
   * create's own check, which errs towards waiting. A failure here is the backstop's, not this
   * create's: it is logged, and the next listing tries again.
   */
  private void takeBackStanding(List<Machine> listed, String own) {
    for (Machine vm : cap.standingOver(listed)) {
      if (vm.name().equals(own)) {
        continue;
      }
      try {
        if (retirement.retire(vm, Optional.empty(), false) == MachineRetirement.Result.DELETED) {
          counters.deleted();
          machineLog.deleted(vm, "stood over the cap past the settle window");
        }
      } catch (ComputeException | GitHubException e) {
        log.warn(
            "VM {} stands over the cap, but taking it back failed: {}", vm.name(), e.toString());
      }
    }
  }

  private static String describe(RunnerSpec spec, CreatedMachine created) {
    return spec.machineType()
        + (spec.hasGpu()
            ? ", " + spec.accelerator().count() + "x " + spec.accelerator().type()
            : "")
        + (created.spot() ? ", spot" : ", standard");
  }
}
