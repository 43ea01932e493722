package io.autorunner.scheduler.webhook;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.tasks.check-delay}: how long after a VM is asked for its job is checked for a
 * stolen runner; 0 turns the check off. Cloud Tasks schedules a task at most 30 days ahead.
 */
@ConfigurationProperties("autorunner.tasks")
public record CheckProperties(@DefaultValue("10m") Duration checkDelay) {

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
