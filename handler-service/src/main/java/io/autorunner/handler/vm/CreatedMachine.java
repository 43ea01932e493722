package io.autorunner.handler.vm;

import java.util.Objects;

/**
 * Where a VM landed.
 *
 * @param alreadyExisted true when an earlier attempt had created it (GCE 409)
 * @param spot whether it runs as Spot (false after the standard fallback)
 * @param placedAs what was made when it is not what the job asked for first (a GPU further down its
 *     preferences, Flex-start), else empty
 */
public record CreatedMachine(
    String name, String zone, boolean spot, boolean alreadyExisted, String placedAs) {

  public CreatedMachine {
    placedAs = Objects.requireNonNullElse(placedAs, "");
  }

  /** Made as asked first, or found made. */
  public CreatedMachine(String name, String zone, boolean spot, boolean alreadyExisted) {
    this(name, zone, spot, alreadyExisted, "");
  }
}
