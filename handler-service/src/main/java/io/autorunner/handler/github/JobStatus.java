package io.autorunner.handler.github;

import java.util.Set;

/**
 * A workflow job as GitHub reports it now.
 *
 * @param status {@code queued}, {@code in_progress}, {@code completed}, {@code waiting}…
 * @param conclusion set once completed
 * @param runnerName the runner that took it, or null
 * @param name the job's name in its workflow (the same across re-run attempts), or null
 */
public record JobStatus(long id, String status, String conclusion, String runnerName, String name) {

  /** The statuses of a job GitHub has not handed to any runner yet and that is not completed. */
  private static final Set<String> AWAITING_RUNNER =
      Set.of("queued", "waiting", "pending", "requested");

  public JobStatus(long id, String status, String conclusion, String runnerName) {
    this(id, status, conclusion, runnerName, null);
  }

  /**
   * True while GitHub still has to give the job to a runner: {@code queued}, {@code waiting} (an
   * environment's protection rules), {@code pending} (concurrency) or {@code requested}. A job in
   * one of these may still want the runner made for it.
   */
  public boolean awaitingRunner() {
    return status != null && AWAITING_RUNNER.contains(status);
  }
}
