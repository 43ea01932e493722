package io.autorunner.handler.github;

/**
 * A workflow job as GitHub reports it now.
 *
 * @param status {@code queued}, {@code in_progress}, {@code completed}, {@code waiting}…
 * @param conclusion set once completed
 * @param runnerName the runner that took it, or null
 * @param name the job's name in its workflow (the same across re-run attempts), or null
 */
public record JobStatus(long id, String status, String conclusion, String runnerName, String name) {

  public JobStatus(long id, String status, String conclusion, String runnerName) {
    this(id, status, conclusion, runnerName, null);
  }

  /** Not yet given to a runner and not over: GitHub's queued, waiting, pending or requested. */
  public boolean awaitingRunner() {
    return switch (status == null ? "" : status) {
      case "queued", "waiting", "pending", "requested" -> true;
      default -> false;
    };
  }
}
