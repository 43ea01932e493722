package io.autorunner.handler.github;

import java.util.Arrays;

/** How GitHub says a workflow job ended, from its {@code conclusion} field. */
public enum JobConclusion {
  SUCCESS("success"),
  FAILURE("failure"),
  CANCELLED("cancelled"),
  SKIPPED("skipped"),
  NEUTRAL("neutral"),
  TIMED_OUT("timed_out"),
  ACTION_REQUIRED("action_required"),
  STALE("stale"),
  STARTUP_FAILURE("startup_failure"),
  /** Not ended yet: GitHub sets a conclusion once the job is completed. */
  NONE("none"),
  /** A value this version does not know. */
  UNKNOWN("unknown");

  private final String wire;

  JobConclusion(String wire) {
    this.wire = wire;
  }

  /** {@link #NONE} for no conclusion (null), {@link #UNKNOWN} for one GitHub added since. */
  public static JobConclusion parse(String conclusion) {
    if (conclusion == null) {
      return NONE;
    }
    return Arrays.stream(values())
        .filter(known -> known != NONE && known.wire.equals(conclusion))
        .findFirst()
        .orElse(UNKNOWN);
  }

  /** GitHub's spelling ({@code timed_out}). */
  @Override
  public String toString() {
    return wire;
  }
}
