package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Delay;
import io.autorunner.testkit.fault.Timeline;
import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.gce.FakeInstance;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * The runner process on each machine. Once a fake GCE VM runs (after the runner boot delay) it asks
 * the handler for its runner as the startup script does ({@link RunnerConfigFetch}) and starts with
 * the config it got; a runner whose config is spent or deleted powers off. When the machine
 * vanishes the runner goes offline and, after the lost runner delay, GitHub fails its job.
 */
final class RunnerProcesses {

  private static final System.Logger log = System.getLogger(FakeGitHub.class.getName());

  private final ActionsState state;
  private final Dispatcher dispatcher;
  private final Timeline clock;
  private final Delay bootDelay;
  private final Delay lostRunnerDelay;
  private final RunnerConfigFetch fetch;

  /** The metadata keys the handler writes (MachineMetadata): where to ask, and the audience. */
  static final String CONFIG_URL = "autorunner-runner-config-url";

  static final String CONFIG_AUDIENCE = "autorunner-runner-config-audience";

  // Guarded by the lock.
  private final Set<String> goneMachines = new HashSet<>();
  private FakeComputeEngine gce;

  RunnerProcesses(
      ActionsState state,
      Dispatcher dispatcher,
      Timeline clock,
      Delay bootDelay,
      Delay lostRunnerDelay) {
    this.state = state;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.bootDelay = bootDelay;
    this.lostRunnerDelay = lostRunnerDelay;
    this.fetch = new RunnerConfigFetch(state, clock);
  }

  /** Runners boot on {@code gce}'s VMs, and lose their machine with them. */
  void runOn(FakeComputeEngine gce) {
    synchronized (state.lock) {
      this.gce = Objects.requireNonNull(gce, "gce");
    }
    gce.onRunning(this::vmRunning);
    gce.onGone(vm -> machineGone(vm.name()));
  }

  /** A runner boots from its JIT config on a machine that is not a fake GCE VM; its id. */
  long boot(String encodedJitConfig, String machine, Runnable powerOff) {
    OptionalLong id = JitConfigs.runnerId(encodedJitConfig);
    if (id.isEmpty()) {
      throw new IllegalArgumentException("not a JIT config of this fake");
    }
    connect(id.getAsLong(), machine, powerOff);
    return id.getAsLong();
  }

  /** The runner process starts with its JIT config; a spent or deleted config powers off. */
  private void connect(long runnerId, String machine, Runnable powerOff) {
    synchronized (state.lock) {
      if (goneMachines.contains(machine)) {
        return;
      }
      RunnerState runner = state.runners.get(runnerId);
      if (runner == null || runner.used) {
        state.refusedBoots.incrementAndGet();
        log.log(
            System.Logger.Level.INFO,
            "runner {0} cannot register on {1}",
            Long.toString(runnerId),
            machine);
        clock.soon(powerOff);
        return;
      }
      runner.used = true;
      runner.status = "online";
      runner.machine = machine;
      runner.powerOff = powerOff;
      dispatcher.dispatch();
    }
  }

  /** The machine of a runner vanished (a preempted VM): its runner goes offline, its job fails. */
  void machineGone(String machine) {
    synchronized (state.lock) {
      goneMachines.add(machine);
      for (RunnerState runner : state.runners.values()) {
        if (!machine.equals(runner.machine) || "offline".equals(runner.status)) {
          continue;
        }
        runner.status = "offline";
        if (runner.jobId != null) {
          long jobId = runner.jobId;
          log.log(
              System.Logger.Level.INFO,
              "runner {0} lost with job {1}",
              runner.name,
              Long.toString(jobId));
          clock.after(lostRunnerDelay, () -> loseJob(runner.id, jobId));
        }
      }
    }
  }

  /** VMs created per job by their {@code autorunner-job-id} label; empty without a fake GCE. */
  Map<Long, Long> vmsPerJob() {
    FakeComputeEngine compute;
    Map<Long, Long> counts = new TreeMap<>();
    synchronized (state.lock) {
      compute = gce;
      state.jobs.keySet().forEach(id -> counts.put(id, 0L));
    }
    if (compute == null) {
      return Map.of();
    }
    for (FakeInstance vm : compute.created()) {
      String id = vm.labels().get("autorunner-job-id");
      if (id != null && id.matches("[0-9]+")) {
        counts.merge(Long.parseLong(id), 1L, Long::sum);
      }
    }
    return counts;
  }

  private void vmRunning(FakeInstance vm) {
    String url = vm.metadata().get(CONFIG_URL);
    String audience = vm.metadata().get(CONFIG_AUDIENCE);
    if (url == null || audience == null) {
      return; // not a runner VM of this fake
    }
    FakeComputeEngine compute;
    synchronized (state.lock) {
      compute = gce;
      goneMachines.remove(vm.name());
    }
    Runnable powerOff = () -> compute.powerOff(vm.name());
    clock.after(
        bootDelay,
        () ->
            fetch.thenStart(
                compute,
                vm.name(),
                url,
                audience,
                powerOff,
                id -> connect(id, vm.name(), powerOff)));
  }

  /** Stops the fetching VMs' threads. */
  void close() {
    fetch.close();
  }

  private void loseJob(long runnerId, long jobId) {
    synchronized (state.lock) {
      JobState job = state.jobs.get(jobId);
      RunnerState runner = state.runners.get(runnerId);
      if (job != null && "in_progress".equals(job.status)) {
        dispatcher.complete(job, "failure");
      }
      if (runner != null) {
        runner.busy = false;
        runner.jobId = null;
      }
    }
  }
}
