package io.autorunner.common.event;

import java.util.Locale;

/** The {@code action} of a {@code workflow_job} delivery. */
public enum WorkflowJobAction {
  QUEUED,
  WAITING,
  IN_PROGRESS,
  COMPLETED,
  /** An action GitHub may add later; routed as "ignored", never as an error. */
  OTHER;

  public static WorkflowJobAction of(String action) {
    if (action == null) {
      return OTHER;
    }
    return switch (action.toLowerCase(Locale.ROOT)) {
      case "queued" -> QUEUED;
      case "waiting" -> WAITING;
      case "in_progress" -> IN_PROGRESS;
      case "completed" -> COMPLETED;
      default -> OTHER;
    };
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
