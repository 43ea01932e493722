package io.autorunner.handler.setup;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@code setup-app}, each {@code --name=value}.
 *
 * @param githubUrl GitHub's web address (the manifest form); GitHub Enterprise Server's for GHES
 * @param apiUrl GitHub's API (the conversion), as {@code autorunner.github.api-url}
 * @param port the local port of the one-shot page; 0 picks a free one
 */
record AppSetupOptions(
    String project,
    String org,
    URI webhookUrl,
    String name,
    URI githubUrl,
    URI apiUrl,
    int port,
    String gcloud) {

  static final String USAGE =
      "usage: java -jar handler-service.jar setup-app --project=PROJECT_ID --org=ORGANIZATION"
          + " --webhook-url=https://SCHEDULER/webhook [--name=autorunner]"
          + " [--github-url=https://github.com] [--api-url=https://api.github.com] [--port=0]"
          + " [--gcloud=gcloud]";

  private static final List<String> KNOWN =
      List.of("project", "org", "webhook-url", "name", "github-url", "api-url", "port", "gcloud");

  /** Reads the arguments; anything missing, unknown or malformed is refused with its name. */
  static AppSetupOptions parse(String[] args) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (!arg.startsWith("--") || eq < 0 || !KNOWN.contains(arg.substring(2, eq))) {
        throw new IllegalArgumentException("unknown argument " + arg + "\n" + USAGE);
      }
      values.put(arg.substring(2, eq), arg.substring(eq + 1));
    }
    String project = required(values, "project");
    if (!project.matches("([a-z][-a-z0-9.]*[a-z0-9]:)?[a-z][-a-z0-9]{4,28}[a-z0-9]")) {
      throw new IllegalArgumentException("--project is not a project id: " + project);
    }
    String org = required(values, "org");
    if (!org.matches("[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")) {
      throw new IllegalArgumentException("--org is not a GitHub organisation name: " + org);
    }
    URI webhook = URI.create(required(values, "webhook-url"));
    if (!"https".equals(webhook.getScheme()) || webhook.getHost() == null) {
      throw new IllegalArgumentException("--webhook-url must be an https URL: " + webhook);
    }
    String name = values.getOrDefault("name", "autorunner");
    if (name.isBlank() || name.length() > 34) {
      throw new IllegalArgumentException("--name must be 1 to 34 characters (GitHub's limit)");
    }
    int port;
    try {
      port = Integer.parseInt(values.getOrDefault("port", "0"));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0 to 65535");
    }
    return new AppSetupOptions(
        project,
        org,
        webhook,
        name,
        web(values.getOrDefault("github-url", "https://github.com"), "github-url"),
        web(values.getOrDefault("api-url", "https://api.github.com"), "api-url"),
        port,
        values.getOrDefault("gcloud", "gcloud"));
  }

  /** Where the manifest form posts to: the organisation's new-App page. */
  URI newAppPage(String state) {
    return URI.create(
        githubUrl.toString().replaceAll("/+$", "")
            + "/organizations/"
            + org
            + "/settings/apps/new?state="
            + state);
  }

  private static String required(Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("--" + key + " is required\n" + USAGE);
    }
    return value.trim();
  }

  private static URI web(String text, String key) {
    URI uri = URI.create(text);
    boolean loopback = "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost());
    if (!("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && loopback))) {
      throw new IllegalArgumentException(
          "--" + key + " must be https (http only to a loopback host): " + text);
    }
    return uri;
  }
}
