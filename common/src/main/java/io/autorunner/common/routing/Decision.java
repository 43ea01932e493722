package io.autorunner.common.routing;

import io.autorunner.common.task.TaskKind;

/** The scheduler's answer to a delivery, as it appears in the JSON body. */
public enum Decision {
  PONG("pong"),
  IGNORED("ignored"),
  /** A job started on the runner made for it: nothing to do, but worth counting. */
  STARTED("started"),
  REFUSED("refused"),
  CREATE_RUNNER(TaskKind.CREATE_RUNNER.path()),
  DELETE_RUNNER(TaskKind.DELETE_RUNNER.path()),
  RELEASE_RUNNER(TaskKind.RELEASE_RUNNER.path()),
  CHECK_RUNNER(TaskKind.CHECK_RUNNER.path());

  private final String wireName;

  Decision(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Decision of(TaskKind kind) {
    return switch (kind) {
      case CREATE_RUNNER -> CREATE_RUNNER;
      case DELETE_RUNNER -> DELETE_RUNNER;
      case RELEASE_RUNNER -> RELEASE_RUNNER;
      case CHECK_RUNNER -> CHECK_RUNNER;
    };
  }
}
