package io.autorunner.handler.github;

import java.util.Arrays;

/** Where GitHub says a workflow job is, from its {@code status} field. */
public enum JobState {
  QUEUED("queued"),
  /** Held by an environment's protection rules. */
  WAITING("waiting"),
  /** Held by a concurrency group. */
  PENDING("pending"),
  REQUESTED("requested"),
  IN_PROGRESS("in_progress"),
  COMPLETED("completed"),
  /** Missing, or a value this version does not know. */
  UNKNOWN("unknown");

  private final String wire;

  JobState(String wire) {
    this.wire = wire;
  }

  /** The state GitHub names {@code status} (exactly as it spells it), else {@link #UNKNOWN}. */
  public static JobState parse(String status) {
    return Arrays.stream(values())
        .filter(state -> state != UNKNOWN && state.wire.equals(status))
        .findFirst()
        .orElse(UNKNOWN);
  }

  /**
   * True while GitHub still has to give the job to a runner: {@code queued}, {@code waiting} (an
   * environment's protection rules), {@code pending} (concurrency) or {@code requested}. A job in
   * one of these may still want the runner made for it.
   */
  public boolean awaitingRunner() {
    return this == QUEUED || this == WAITING || this == PENDING || this == REQUESTED;
  }

  /** GitHub's spelling ({@code in_progress}), for its query parameters. */
  String wire() {
    return wire;
  }

  /** GitHub's spelling: messages read as they did when this was a string. */
  @Override
  public String toString() {
    return wire;
  }
}
