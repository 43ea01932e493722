package io.autorunner.testkit.github;

import java.time.Instant;
import java.util.Objects;

/**
 * When one fake VM's startup script did what (see {@link GuestBoot}), for a test that measures
 * boots. A step not reached yet (or never: the VM went first, or was refused) is null.
 *
 * @param machine the VM's name
 * @param inserted when the fake Compute Engine received its insert (its {@code creationTimestamp})
 * @param running when its instance was RUNNING (as the fake GitHub heard it)
 * @param configRequested when its script asked the handler for its runner config
 * @param configReceived when the handler's config arrived
 * @param online when its runner came online
 * @param runnerId the runner it registered, once online
 * @param timing the waits its script was given (the rest of each step is the fakes' own delay)
 */
public record VmBoot(
    String machine,
    Instant inserted,
    Instant running,
    Instant configRequested,
    Instant configReceived,
    Instant online,
    Long runnerId,
    GuestBoot.Timing timing) {

  public VmBoot {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(inserted, "inserted");
    Objects.requireNonNull(running, "running");
    Objects.requireNonNull(timing, "timing");
  }
}
