package io.autorunner.handler.vm;

import io.autorunner.common.policy.RunnerSpec;
import java.util.Objects;

/**
 * Where a VM landed.
 *
 * @param alreadyExisted true when an earlier attempt had created it (GCE 409)
 * @param spot whether it runs as Spot (false after the standard fallback)
 * @param placedAs what was made when it is not what the job asked for first (a GPU further down its
 *     preferences, Flex-start), else empty
 * @param made the machine and GPU this call made, which the seeker may have taken from further down
 *     the job's choices; null when it is the request's own (or the VM was found made)
 */
public record CreatedMachine(
    String name,
    String zone,
    boolean spot,
    boolean alreadyExisted,
    String placedAs,
    RunnerSpec made) {

  public CreatedMachine {
    placedAs = Objects.requireNonNullElse(placedAs, "");
  }

  /** Made as described by {@code placedAs}, of the request's own spec. */
  public CreatedMachine(
      String name, String zone, boolean spot, boolean alreadyExisted, String placedAs) {
    this(name, zone, spot, alreadyExisted, placedAs, null);
  }

  /** The machine and GPU the VM has: {@link #made}, or else what was {@code asked}. */
  public RunnerSpec madeOr(RunnerSpec asked) {
    return made != null ? made : asked;
  }

  /** Made as asked first, or found made. */
  public CreatedMachine(String name, String zone, boolean spot, boolean alreadyExisted) {
    this(name, zone, spot, alreadyExisted, "");
  }
}
