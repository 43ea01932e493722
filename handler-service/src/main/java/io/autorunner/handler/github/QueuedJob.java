package io.autorunner.handler.github;

import io.autorunner.common.task.JobRef;
import java.time.Instant;
import java.util.List;

/**
 * A job GitHub still holds as queued, found by listing a repository's runs.
 *
 * @param createdAt when GitHub queued it, to tell a fresh job from one nobody serves
 */
public record QueuedJob(JobRef job, List<String> labels, Instant createdAt) {
  public QueuedJob {
    labels = List.copyOf(labels);
  }
}
