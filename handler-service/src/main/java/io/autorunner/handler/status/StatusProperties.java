package io.autorunner.handler.status;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.status.*}: the status page.
 *
 * @param refresh how often the page reloads itself (5s–10m); a read younger than half of it is
 *     shown again, so open tabs do not multiply GitHub calls
 * @param stockOutWindow how far back stock-outs are shown (1m–7d)
 * @param handlerService the handler's Cloud Run service name, for the Logs Explorer queries
 * @param schedulerService the scheduler's, likewise
 * @param logsProject the project whose logs the links open; empty: {@code autorunner.gce.project}
 */
@Validated
@ConfigurationProperties("autorunner.status")
public record StatusProperties(
    @DefaultValue("15s") Duration refresh,
    @DefaultValue("1h") Duration stockOutWindow,
    @DefaultValue("autorunner-handler") String handlerService,
    @DefaultValue("autorunner-scheduler") String schedulerService,
    String logsProject) {

  /** Cloud Run's service names; also what keeps them safe inside a quoted log query. */
  private static final String SERVICE = "[a-z]([-a-z0-9]{0,61}[a-z0-9])?";

  /** Project ids, domain-scoped ones ({@code example.com:my-proj}) included. */
  private static final String PROJECT = "([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]";

  public StatusProperties {
    if (refresh.compareTo(Duration.ofSeconds(5)) < 0
        || refresh.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "autorunner.status.refresh must be 5s to 10m, not " + refresh);
    }
    if (stockOutWindow.compareTo(Duration.ofMinutes(1)) < 0
        || stockOutWindow.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException(
          "autorunner.status.stock-out-window must be 1m to 7d, not " + stockOutWindow);
    }
    require(handlerService, SERVICE, "handler-service");
    require(schedulerService, SERVICE, "scheduler-service");
    logsProject = logsProject == null ? "" : logsProject.trim();
    if (!logsProject.isEmpty()) {
      require(logsProject, PROJECT, "logs-project");
    }
  }

  private static void require(String value, String pattern, String key) {
    if (value == null || !value.matches(pattern)) {
      throw new IllegalArgumentException(
          "autorunner.status." + key + " is not a valid name: " + value);
    }
  }

  /** Checks a project id as {@code logs-project} is checked; empty passes. */
  public static boolean validProject(String project) {
    return project.isEmpty() || project.matches(PROJECT);
  }
}
