package io.autorunner.handler.task;

import io.autorunner.handler.vm.Machine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The ceiling on VMs, held across any number of handler instances without a lock: each create
 * checks before it inserts, and again after, against what Compute Engine lists. After its insert, a
 * create ranks the VMs by GCE's creation time (ties by name), an order every instance reads alike,
 * and keeps its VM only if fewer than the cap are ahead of it. GCE lists an instance from the
 * moment it accepts the insert, and stamps it then: so a create that lists after its own insert
 * sees every VM stamped before its own, and of two racing creates the later-stamped one always sees
 * the other. Every VM that exists counts, stopped ones too, until it is deleted. Should a listing
 * ever lag, the reconciler takes back VMs standing over the cap past a short window; and since a VM
 * over the cap is refused its runner ({@code RunnerHandout}), it never takes a job, so taking it
 * back never kills one. A VM's rank only improves as older VMs go.
 *
 * <p>A create killed between its insert and its check (a restart, a scale-in) leaves its VM over
 * the cap until its task's retry, which the queue's backoff may put minutes away. So whoever lists
 * next takes such a VM back once it has stood over the cap past the settle window: every create,
 * which come most often exactly when the cap is reached, and the reconciler.
 */
public final class InstanceCap {

  /** GCE's creation order, ties by name: the rank every instance reads alike. */
  public static final Comparator<Machine> CREATION_ORDER =
      Comparator.comparing(Machine::created).thenComparing(Machine::name);

  private static final Duration DEFAULT_SETTLE = Duration.ofSeconds(15);

  private final int maxInstances;
  private final Duration settle;
  private final Clock clock;

  /** A cap whose overshoots are judged past the default 15 s settle window. */
  public InstanceCap(int maxInstances) {
    this(maxInstances, DEFAULT_SETTLE, Clock.systemUTC());
  }

  /**
   * @param settle {@code autorunner.limits.settle-window}: how long a VM may stand over the cap
   *     before anyone but its own create takes it back
   */
  public InstanceCap(int maxInstances, Duration settle, Clock clock) {
    if (maxInstances < 1) {
      throw new IllegalArgumentException("max instances must be at least 1");
    }
    this.maxInstances = maxInstances;
    this.settle = settle;
    this.clock = clock;
  }

  /** Why no VM may be added to {@code existing}, or empty when there is room. */
  Optional<String> full(List<Machine> existing) {
    return existing.size() >= maxInstances
        ? Optional.of(
            existing.size() + " VMs exist and autorunner.limits.max-instances is " + maxInstances)
        : Optional.empty();
  }

  /**
   * Why the freshly inserted VM {@code name} is one too many, or empty when it may stay. A VM the
   * listing does not show yet is ranked behind every VM it shows.
   */
  public Optional<String> overflowing(String name, List<Machine> listed) {
    Optional<Machine> own = listed.stream().filter(vm -> vm.name().equals(name)).findFirst();
    long ahead =
        listed.stream()
            .filter(vm -> !vm.name().equals(name))
            .filter(vm -> own.isEmpty() || ahead(vm, own.get()))
            .count();
    return ahead >= maxInstances
        ? Optional.of(
            ahead
                + " VMs were made before "
                + name
                + " and autorunner.limits.max-instances is "
                + maxInstances)
        : Optional.empty();
  }

  /**
   * The VMs of {@code listed} past the cap in creation order that stood there longer than the
   * settle window and were never handed a runner: their creates died before they could undo their
   * overshoot, and since the handout refuses a VM over the cap, none of them can have a job. One
   * claimed by a retirement counts too (that retirement's delete may have failed: deleting twice is
   * harmless); a stopped one does not (it goes for being stopped).
   */
  public List<Machine> standingOver(List<Machine> listed) {
    if (listed.size() <= maxInstances) {
      return List.of();
    }
    Instant now = clock.instant();
    List<Machine> ranked = listed.stream().sorted(CREATION_ORDER).toList();
    return ranked.subList(maxInstances, ranked.size()).stream()
        .filter(vm -> !vm.stopped())
        .filter(vm -> vm.runnerId().isEmpty())
        .filter(vm -> vm.age(now).compareTo(settle) > 0)
        .toList();
  }

  /** Earlier in GCE's creation order, ties broken by name. */
  static boolean ahead(Machine vm, Machine other) {
    return CREATION_ORDER.compare(vm, other) < 0;
  }
}
