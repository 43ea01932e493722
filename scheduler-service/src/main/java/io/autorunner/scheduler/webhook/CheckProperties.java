package io.autorunner.scheduler.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.tasks.check-delay}: how long after a VM is asked for its job is checked for a
 * stolen runner; 0, the default, turns the check off. Off, because it is the third net for one case
 * and costs a second Cloud Tasks call for every queued delivery: the {@code in_progress} of the job
 * that took the runner triggers the check at once, a lost delivery of it is redelivered from the
 * App's hook log by the next sweep, and the sweep itself gives a job queued past {@code
 * autorunner.reconcile.queued-grace} (5 m) with nothing serving it a VM, all sooner than a 10 m
 * check. Worth turning on where the reconciler runs rarely. Cloud Tasks schedules a task at most 30
 * days ahead.
 */
@ConfigurationProperties("autorunner.tasks")
public record CheckProperties(@DefaultValue("0s") Duration checkDelay) {

  private static final Duration CLOUD_TASKS_MAX_SCHEDULE = Duration.ofDays(30);

  public CheckProperties {
    if (checkDelay == null
        || checkDelay.isNegative()
        || checkDelay.compareTo(CLOUD_TASKS_MAX_SCHEDULE) > 0) {
      throw new IllegalArgumentException(
          "autorunner.tasks.check-delay must be between 0 (off) and 30d, not " + checkDelay);
    }
  }
}
