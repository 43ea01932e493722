package io.autorunner.testkit.gce;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the fake Compute Engine holds: the instances and operations there are now, and a record of
 * every insert and every instance that ever lived. All of it is guarded by {@link #lock}; callers
 * hold it around every use (operation waits {@code wait} on it).
 */
final class ComputeState {

  final Object lock = new Object();

  // Guarded by lock.
  final Map<String, Vm> instances = new LinkedHashMap<>();
  private final Map<String, Op> operations = new LinkedHashMap<>();
  final Set<String> knownZones = new HashSet<>();
  final List<FakeInstance> inserted = new ArrayList<>();
  final List<FakeInstance> created = new ArrayList<>();
  final List<Vm> lived = new ArrayList<>();
  private Instant lastCreation = Instant.EPOCH;

  private final AtomicLong ids = new AtomicLong(4_000_000_000_000_000_000L);
  final AtomicInteger deletes = new AtomicInteger();
  final AtomicInteger preemptions = new AtomicInteger();

  /** setLabels calls refused for a stale fingerprint. */
  final AtomicInteger staleRelabels = new AtomicInteger();

  long nextId() {
    return ids.incrementAndGet();
  }

  /**
   * The creation time of the next instance: now to the millisecond, and later than every earlier
   * one, so callers can order instances by {@code creationTimestamp} even when two inserts land in
   * the same millisecond.
   */
  Instant nextCreation() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    lastCreation = now.isAfter(lastCreation) ? now : lastCreation.plusMillis(1);
    return lastCreation;
  }

  /** A new instance exists: it is listed, and its life recorded. */
  void add(Vm vm) {
    instances.put(vm.key(), vm);
    created.add(vm.snapshot());
    lived.add(vm);
  }

  Vm instance(String project, String zone, String name) {
    return instances.get(key(project, zone, name));
  }

  /** The instance of that name in any zone. */
  Optional<Vm> find(String name) {
    return instances.values().stream().filter(vm -> vm.name.equals(name)).findFirst();
  }

  /** Whether {@code vm} is still the instance listed under its name (not deleted, not replaced). */
  boolean current(Vm vm) {
    return instances.get(vm.key()) == vm;
  }

  void remove(Vm vm) {
    instances.remove(vm.key());
  }

  Op newOp(String project, String zone, String type, Vm target) {
    Op op = new Op(project, zone, type, target, nextId());
    operations.put(key(project, zone, op.name), op);
    return op;
  }

  /** A region's operation (a bulk insert), kept under its region as a zone's are under theirs. */
  Op newRegionOp(String project, String region, String type, Vm target) {
    Op op = new Op(project, region, true, type, target, nextId());
    operations.put(key(project, region, op.name), op);
    return op;
  }

  Op operation(String project, String zone, String name) {
    return operations.get(key(project, zone, name));
  }

  List<Op> operations() {
    return List.copyOf(operations.values());
  }

  List<FakeInstance> instancesNow() {
    synchronized (lock) {
      return instances.values().stream().map(Vm::snapshot).toList();
    }
  }

  Optional<FakeInstance> instanceNamed(String name) {
    synchronized (lock) {
      return find(name).map(Vm::snapshot);
    }
  }

  List<FakeInstance> insertedSoFar() {
    synchronized (lock) {
      return List.copyOf(inserted);
    }
  }

  List<FakeInstance> createdSoFar() {
    synchronized (lock) {
      return List.copyOf(created);
    }
  }

  List<VmLifetime> lifetimes() {
    synchronized (lock) {
      return lived.stream().map(Vm::lifetime).toList();
    }
  }

  static String key(String project, String zone, String name) {
    return project + "/" + zone + "/" + name;
  }
}
