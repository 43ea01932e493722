package io.autorunner.testkit.gce;

import io.autorunner.testkit.fault.Delay;
import io.autorunner.testkit.fault.Timeline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * What instances and operations do by themselves over time: an instance boots (PROVISIONING,
 * STAGING at half its boot delay, RUNNING), an operation is DONE after its delay and a delete's
 * then removes its instance, a Spot VM is preempted, a VM powers itself off. Listeners hear of
 * RUNNING and of instances gone, on their own thread.
 */
final class VmLifecycle implements AutoCloseable {

  private static final System.Logger log = System.getLogger(FakeComputeEngine.class.getName());

  private final ComputeState state;
  private final Timeline clock;
  private final Delay bootDelay;
  private final Delay operationDelay;
  private final Delay deleteDelay;
  private final Delay insertLatency;
  private final ExecutorService listeners;
  private final List<Consumer<FakeInstance>> runningListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<FakeInstance>> goneListeners = new CopyOnWriteArrayList<>();

  VmLifecycle(
      ComputeState state,
      Timeline clock,
      Delay bootDelay,
      Delay operationDelay,
      Delay deleteDelay,
      Delay insertLatency) {
    this.state = state;
    this.clock = clock;
    this.bootDelay = bootDelay;
    this.operationDelay = operationDelay;
    this.deleteDelay = deleteDelay;
    this.insertLatency = insertLatency;
    this.listeners =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fake-gce-listeners");
              t.setDaemon(true);
              return t;
            });
  }

  void onRunning(Consumer<FakeInstance> listener) {
    runningListeners.add(Objects.requireNonNull(listener));
  }

  void onGone(Consumer<FakeInstance> listener) {
    goneListeners.add(Objects.requireNonNull(listener));
  }

  /** A created instance starts booting. */
  void boot(Vm vm) {
    long total = bootDelay.get().toMillis();
    clock.after(Duration.ofMillis(total / 2), () -> transition(vm, "PROVISIONING", "STAGING"));
    clock.after(
        Duration.ofMillis(total),
        () -> {
          if (transition(vm, "STAGING", "RUNNING")) {
            FakeInstance running;
            synchronized (state.lock) {
              running = vm.snapshot();
            }
            notify(runningListeners, running);
          }
        });
  }

  /** An insert's operation is DONE after the operation delay. */
  /**
   * An insert request waits this long before GCE takes it (and lists its instance): the time GCE
   * takes to answer an insert, or to walk a stock-out, in which no instance of that name exists.
   */
  void awaitInsertLatency() {
    long millis = insertLatency.get().toMillis();
    if (millis > 0) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  void insertOperation(Op op) {
    clock.after(operationDelay, () -> finish(op));
  }

  /** A delete's operation is DONE after the delete delay, and takes its instance with it. */
  void deleteOperation(Op op) {
    clock.after(deleteDelay, () -> finish(op));
  }

  /**
   * Spot preemption with {@code instanceTerminationAction=DELETE}: the instance disappears and a
   * {@code compute.instances.preempted} operation records it. False when there is no such VM.
   */
  boolean preempt(String name) {
    FakeInstance gone;
    synchronized (state.lock) {
      Optional<Vm> found = state.find(name);
      if (found.isEmpty()) {
        return false;
      }
      Vm vm = found.get();
      state.remove(vm);
      vm.status = "GONE";
      vm.preempted = true;
      vm.gone = Instant.now();
      Op op = state.newOp(vm.project, vm.zone, "compute.instances.preempted", vm);
      op.status = "DONE";
      op.endTime = Instant.now();
      op.statusMessage = "Instance was preempted.";
      gone = vm.snapshot();
    }
    state.preemptions.incrementAndGet();
    log.log(System.Logger.Level.INFO, "preempted {0}", name);
    notify(goneListeners, gone);
    return true;
  }

  /** The VM's own shutdown: TERMINATED until deleted. False when gone or being deleted. */
  boolean powerOff(String name) {
    synchronized (state.lock) {
      Optional<Vm> vm = state.find(name).filter(v -> !"STOPPING".equals(v.status));
      if (vm.isEmpty()) {
        return false;
      }
      vm.get().status = "TERMINATED";
      return true;
    }
  }

  private boolean transition(Vm vm, String from, String to) {
    synchronized (state.lock) {
      if (!from.equals(vm.status) || !state.current(vm)) {
        return false;
      }
      vm.status = to;
      return true;
    }
  }

  private void finish(Op op) {
    FakeInstance gone = null;
    synchronized (state.lock) {
      if ("delete".equals(op.type)) {
        Vm vm = state.instance(op.project, op.zone, op.target);
        if (vm != null && vm.id == op.targetId) {
          state.remove(vm);
          vm.status = "GONE";
          vm.gone = Instant.now();
          gone = vm.snapshot();
        }
      }
      op.status = "DONE";
      op.progress = 100;
      op.endTime = Instant.now();
      // Wakes the requests waiting on operations (OperationEndpoints#wait).
      state.lock.notifyAll();
    }
    if (gone != null) {
      notify(goneListeners, gone);
    }
  }

  private void notify(List<Consumer<FakeInstance>> targets, FakeInstance instance) {
    for (Consumer<FakeInstance> listener : targets) {
      listeners.execute(
          () -> {
            try {
              listener.accept(instance);
            } catch (RuntimeException e) {
              log.log(System.Logger.Level.WARNING, "a fake-gce listener failed", e);
            }
          });
    }
  }

  @Override
  public void close() {
    listeners.shutdownNow();
  }
}
