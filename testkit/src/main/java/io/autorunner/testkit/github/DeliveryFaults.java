package io.autorunner.testkit.github;

import io.autorunner.testkit.fault.Faults;

/**
 * What goes wrong with the fake's webhook deliveries on demand: a share of them sent twice (GitHub
 * redelivering one), and {@code queued} ones lost before they reach the receiver, either the next
 * few or a share drawn from the fake's seeded random. Thread-safe.
 */
final class DeliveryFaults {

  private final Faults faults;
  private double redeliveryFraction;
  private double lostQueuedFraction;
  private int loseNextQueued;

  DeliveryFaults(Faults faults) {
    this.faults = faults;
  }

  synchronized void redeliveryFraction(double fraction) {
    redeliveryFraction = fraction;
  }

  void loseQueuedFraction(double fraction) {
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("fraction must be within 0 and 1: " + fraction);
    }
    synchronized (this) {
      lostQueuedFraction = fraction;
    }
  }

  void loseNextQueued(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    synchronized (this) {
      loseNextQueued = count;
    }
  }

  /** Whether this delivery is lost: only {@code queued} ones; the explicit count first. */
  synchronized boolean lost(String action) {
    if (!"queued".equals(action)) {
      return false;
    }
    if (loseNextQueued > 0) {
      loseNextQueued--;
      return true;
    }
    return faults.chance(lostQueuedFraction);
  }

  /** Whether this delivery is sent twice. */
  synchronized boolean twice() {
    return faults.chance(redeliveryFraction);
  }
}
