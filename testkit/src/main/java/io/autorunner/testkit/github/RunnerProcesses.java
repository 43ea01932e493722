package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Delay;
import io.autorunner.testkit.fault.Timeline;
import io.autorunner.testkit.gce.FakeComputeEngine;
import io.autorunner.testkit.gce.FakeInstance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The runner process on each machine. Once a fake GCE VM runs (after the first wait of its {@link
 * GuestBoot}) it asks the handler for its runner as the startup script does ({@link
 * RunnerConfigFetch}) and, after the second wait, starts with the config it got; a runner whose
 * config is spent or deleted powers off. When the machine vanishes the runner goes offline and,
 * after the lost runner delay, GitHub fails its job. Each VM's steps are kept ({@link VmBoot}).
 */
final class RunnerProcesses {

  private static final System.Logger log = System.getLogger(FakeGitHub.class.getName());

  private final ActionsState state;
  private final Dispatcher dispatcher;
  private final Timeline clock;
  private final Supplier<GuestBoot> guestBoot;
  private final Delay lostRunnerDelay;
  private final RunnerConfigFetch fetch;

  /** The metadata keys the handler writes (MachineMetadata): where to ask, and the audience. */
  static final String CONFIG_URL = "autorunner-runner-config-url";

  static final String CONFIG_AUDIENCE = "autorunner-runner-config-audience";

  // Guarded by the lock.
  private final Set<String> goneMachines = new HashSet<>();
  private final List<Trace> traces = new ArrayList<>();
  private FakeComputeEngine gce;

  RunnerProcesses(
      ActionsState state,
      Dispatcher dispatcher,
      Timeline clock,
      Supplier<GuestBoot> guestBoot,
      Delay lostRunnerDelay) {
    this.state = state;
    this.dispatcher = dispatcher;
    this.clock = clock;
    this.guestBoot = guestBoot;
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
    connect(id.getAsLong(), machine, powerOff, null);
    return id.getAsLong();
  }

  /** The runner process starts with its JIT config; a spent or deleted config powers off. */
  private void connect(long runnerId, String machine, Runnable powerOff, Trace trace) {
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
      if (trace != null) {
        trace.online = Instant.now();
        trace.runnerId = runnerId;
      }
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

  /** Every fake GCE VM's boot so far, in the order they were RUNNING. */
  List<VmBoot> boots() {
    synchronized (state.lock) {
      return traces.stream().map(Trace::snapshot).toList();
    }
  }

  private void vmRunning(FakeInstance vm) {
    String url = vm.metadata().get(CONFIG_URL);
    String audience = vm.metadata().get(CONFIG_AUDIENCE);
    if (url == null || audience == null) {
      return; // not a runner VM of this fake
    }
    GuestBoot.Timing timing = guestBoot.get().timing(vm);
    FakeComputeEngine compute;
    Trace trace = new Trace(vm.name(), vm.created(), Instant.now(), timing);
    synchronized (state.lock) {
      compute = gce;
      goneMachines.remove(vm.name());
      traces.add(trace);
    }
    Runnable powerOff = () -> compute.powerOff(vm.name());
    clock.after(
        timing.untilConfigRequest(),
        () -> {
          synchronized (state.lock) {
            trace.configRequested = Instant.now();
          }
          fetch.thenStart(
              compute,
              vm.name(),
              url,
              audience,
              powerOff,
              id -> {
                synchronized (state.lock) {
                  trace.configReceived = Instant.now();
                }
                if (timing.untilOnline().isZero()) {
                  connect(id, vm.name(), powerOff, trace);
                } else {
                  clock.after(timing.untilOnline(), () -> connect(id, vm.name(), powerOff, trace));
                }
              });
        });
  }

  /** One VM's boot as it happens; guarded by the lock. */
  private static final class Trace {
    final String machine;
    final Instant inserted;
    final Instant running;
    final GuestBoot.Timing timing;
    Instant configRequested;
    Instant configReceived;
    Instant online;
    Long runnerId;

    Trace(String machine, Instant inserted, Instant running, GuestBoot.Timing timing) {
      this.machine = machine;
      this.inserted = inserted;
      this.running = running;
      this.timing = timing;
    }

    VmBoot snapshot() {
      return new VmBoot(
          machine, inserted, running, configRequested, configReceived, online, runnerId, timing);
    }
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
