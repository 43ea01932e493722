package io.autorunner.testkit.fault;

import java.time.Duration;
import java.util.Objects;

/**
 * How long something the fake simulates takes (a VM's boot, a job's run), which a test may change
 * while the fake runs; the change applies to what starts after it. Thread-safe.
 */
public final class Delay {

  private volatile Duration duration;

  public Delay(Duration initial) {
    set(initial);
  }

  public void set(Duration duration) {
    this.duration = Objects.requireNonNull(duration, "duration");
  }

  public Duration get() {
    return duration;
  }
}
