package io.autorunner.testkit.fault;

import java.util.Random;

/**
 * A fake's injected request failures and the seeded random behind every draw it makes (faults, and
 * choices such as which idle runner takes a job), so that a run with the same seed repeats.
 * Thread-safe.
 */
public final class Faults {

  private Random random;
  private int failNext;
  private double failProbability;

  public Faults(long seed) {
    random = new Random(seed);
  }

  /** Starts the draws again from {@code seed}. */
  public synchronized void seed(long seed) {
    random = new Random(seed);
  }

  /** The next {@code count} requests fail. */
  public synchronized void failNext(int count) {
    failNext = count;
  }

  /** Each request fails with this probability (0 turns it off). */
  public synchronized void failRandomly(double probability) {
    failProbability = probability;
  }

  /** Whether this request fails: the explicit count first, then the seeded probability. */
  public synchronized boolean requestFails() {
    if (failNext > 0) {
      failNext--;
      return true;
    }
    return chance(failProbability);
  }

  /** True with this probability; nothing is drawn when it is 0. */
  public synchronized boolean chance(double probability) {
    return probability > 0 && random.nextDouble() < probability;
  }

  /** One of {@code 0 .. bound - 1}, uniformly. */
  public synchronized int pick(int bound) {
    return random.nextInt(bound);
  }
}
