package io.autorunner.handler.github;

import java.util.Locale;

/** Whether a registered runner's process is connected to GitHub, from its {@code status} field. */
public enum RunnerStatus {
  ONLINE,
  OFFLINE,
  /** Missing, or a value this version does not know. */
  UNKNOWN;

  /** Case-insensitive, as autorunner has always read it; anything else is {@link #UNKNOWN}. */
  public static RunnerStatus parse(String status) {
    if (status == null) {
      return UNKNOWN;
    }
    return switch (status.toLowerCase(Locale.ROOT)) {
      case "online" -> ONLINE;
      case "offline" -> OFFLINE;
      default -> UNKNOWN;
    };
  }

  /** GitHub's spelling ({@code online}), for messages. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
