package io.autorunner.common.task;

/** The three things the handler does on the scheduler's behalf, and the path of each. */
public enum TaskKind {
  CREATE_RUNNER("create-runner"),
  DELETE_RUNNER("delete-runner"),
  RELEASE_RUNNER("release-runner"),
  CHECK_RUNNER("check-runner");

  private final String path;

  TaskKind(String path) {
    this.path = path;
  }

  /** The last path segment of the handler endpoint, and the decision the scheduler reports. */
  public String path() {
    return path;
  }
}
