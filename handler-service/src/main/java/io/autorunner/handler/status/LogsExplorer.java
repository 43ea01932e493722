package io.autorunner.handler.status;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Links into Cloud Logging's Logs Explorer, for the history the page does not keep: what the
 * services logged about a VM or a job, and the handler's warnings and errors. Without a project
 * there is nothing to link to.
 */
public final class LogsExplorer {

  private static final String BASE = "https://console.cloud.google.com/logs/query;query=";

  private final String project;
  private final String handler;
  private final String services;

  public LogsExplorer(String project, String handlerService, String schedulerService) {
    if (!StatusProperties.validProject(project)) {
      throw new IllegalArgumentException("not a project id: " + project);
    }
    this.project = project;
    this.handler = "resource.labels.service_name=\"" + handlerService + "\"";
    this.services =
        "resource.labels.service_name=(\"" + handlerService + "\" OR \"" + schedulerService + "\")";
  }

  /**
   * The services' lines naming the VM, and GCE's own records of it (insert, preemption, delete).
   */
  Optional<String> vm(String name) {
    return link(
        "((resource.type=\"cloud_run_revision\" AND "
            + services
            + ") OR resource.type=\"gce_instance\") AND \""
            + name
            + "\"",
        "P1D");
  }

  /** Both services' lines naming the job's id (webhook, tasks, the VM made for it). */
  Optional<String> job(long jobId) {
    return link(
        "resource.type=\"cloud_run_revision\" AND " + services + " AND \"" + jobId + "\"", "P1D");
  }

  /** The handler's warnings and errors (refusals, stock-outs, failed calls). */
  Optional<String> handlerProblems() {
    return link(
        "resource.type=\"cloud_run_revision\" AND " + handler + " AND severity>=WARNING", "PT6H");
  }

  private Optional<String> link(String query, String duration) {
    if (project.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        BASE + encode(query) + ";duration=" + duration + "?project=" + encode(project));
  }

  /** As a URL component: a space is %20 (Logs Explorer reads a '+' as a plus). */
  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
