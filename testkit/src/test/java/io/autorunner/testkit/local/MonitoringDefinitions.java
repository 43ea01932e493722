package io.autorunner.testkit.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What {@code deploy/setup.sh} installs, read as Cloud Logging and Cloud Monitoring would: the
 * log-based metrics of {@code deploy/monitoring/metrics} (their filters, label and value
 * extractors) and the dashboard's PromQL queries.
 */
final class MonitoringDefinitions {

  private static final Pattern FIELD = Pattern.compile("jsonPayload\\.([A-Za-z0-9_]+)");
  private static final Pattern EQUALS =
      Pattern.compile("jsonPayload\\.([A-Za-z0-9_]+)=\"([^\"]*)\"");
  private static final Pattern PRESENT = Pattern.compile("jsonPayload\\.([A-Za-z0-9_]+):\\*");
  private static final Pattern SERVICE =
      Pattern.compile("resource\\.labels\\.service_name=\"([^\"]+)\"");
  private static final Pattern EXTRACT =
      Pattern.compile("EXTRACT\\(jsonPayload\\.([A-Za-z0-9_]+)\\)");
  private static final Pattern PROMQL_METRIC =
      Pattern.compile("logging_googleapis_com:user_([a-z0-9_]+?)(_sum|_count|_bucket)?\\{");
  private static final Pattern BY = Pattern.compile("by \\(([^)]*)\\)");

  private MonitoringDefinitions() {}

  /**
   * One log-based metric.
   *
   * @param service the Cloud Run service its filter names
   * @param equal the {@code jsonPayload.FIELD="VALUE"} terms of its filter
   * @param present the {@code jsonPayload.FIELD:*} terms
   * @param labels label key → the payload field it is extracted from
   * @param value the payload field a distribution's values are extracted from, or null
   */
  record Metric(
      String name,
      String service,
      String filter,
      Map<String, String> equal,
      Set<String> present,
      Map<String, String> labels,
      Set<String> declaredLabels,
      String valueType,
      String value,
      boolean buckets) {

    /** Every payload field the metric refers to. */
    Set<String> fields() {
      Set<String> fields = new LinkedHashSet<>();
      Matcher m = FIELD.matcher(filter);
      while (m.find()) {
        fields.add(m.group(1));
      }
      fields.addAll(labels.values());
      if (value != null) {
        fields.add(value);
      }
      return fields;
    }

    boolean distribution() {
      return valueType.equals("DISTRIBUTION");
    }

    /** Whether a JSON line of {@code service}'s log is one this metric counts. */
    boolean matches(String lineService, JsonNode line) {
      if (!service.equals(lineService)) {
        return false;
      }
      for (Map.Entry<String, String> term : equal.entrySet()) {
        JsonNode field = line.path(term.getKey());
        if (field.isMissingNode() || !field.asString().equals(term.getValue())) {
          return false;
        }
      }
      return present.stream().allMatch(line::has);
    }
  }

  static List<Path> metricFiles(Path repo) throws IOException {
    try (var files = Files.list(repo.resolve("deploy/monitoring/metrics"))) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
  }

  @SuppressWarnings("unchecked")
  static List<Metric> metrics(Path repo) throws IOException {
    List<Metric> metrics = new ArrayList<>();
    for (Path file : metricFiles(repo)) {
      Map<String, Object> yaml = new Yaml().load(Files.readString(file));
      String filter = (String) yaml.get("filter");
      Map<String, Object> descriptor = (Map<String, Object>) yaml.get("metricDescriptor");
      Set<String> declared = new LinkedHashSet<>();
      for (Map<String, Object> label :
          (List<Map<String, Object>>) descriptor.getOrDefault("labels", List.of())) {
        declared.add((String) label.get("key"));
      }
      Map<String, String> labels = new LinkedHashMap<>();
      ((Map<String, String>) yaml.getOrDefault("labelExtractors", Map.of()))
          .forEach((key, extractor) -> labels.put(key, extracted(extractor, file)));
      String valueExtractor = (String) yaml.get("valueExtractor");
      metrics.add(
          new Metric(
              file.getFileName().toString().replace(".yaml", ""),
              single(SERVICE, filter, file),
              filter,
              all(EQUALS, filter),
              all(PRESENT, filter).keySet(),
              labels,
              declared,
              (String) descriptor.get("valueType"),
              valueExtractor == null ? null : extracted(valueExtractor, file),
              yaml.containsKey("bucketOptions")));
    }
    return metrics;
  }

  /** The dashboard's PromQL queries. */
  static List<String> dashboardQueries(Path repo) throws IOException {
    JsonNode dashboard =
        JsonMapper.builder()
            .build()
            .readTree(repo.resolve("deploy/monitoring/dashboard.json").toFile());
    List<String> queries = new ArrayList<>();
    for (JsonNode tile : dashboard.path("mosaicLayout").path("tiles")) {
      for (JsonNode set : tile.path("widget").path("xyChart").path("dataSets")) {
        queries.add(set.path("timeSeriesQuery").path("prometheusQuery").asString());
      }
    }
    return queries;
  }

  /** Metric name → suffix ("" for a counter) of each metric a query reads. */
  static Map<String, String> queriedMetrics(String query) {
    Map<String, String> metrics = new LinkedHashMap<>();
    Matcher m = PROMQL_METRIC.matcher(query);
    while (m.find()) {
      metrics.put(m.group(1), m.group(2) == null ? "" : m.group(2));
    }
    return metrics;
  }

  /** The labels a query groups by. */
  static Set<String> groupedBy(String query) {
    Set<String> labels = new LinkedHashSet<>();
    Matcher m = BY.matcher(query);
    while (m.find()) {
      for (String label : m.group(1).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.strip());
        }
      }
    }
    return labels;
  }

  private static String extracted(String extractor, Path file) {
    Matcher m = EXTRACT.matcher(extractor);
    if (!m.matches()) {
      throw new IllegalStateException(file + ": not EXTRACT(jsonPayload.FIELD): " + extractor);
    }
    return m.group(1);
  }

  private static Map<String, String> all(Pattern pattern, String text) {
    Map<String, String> found = new LinkedHashMap<>();
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      found.put(m.group(1), m.groupCount() > 1 ? m.group(2) : "");
    }
    return found;
  }

  private static String single(Pattern pattern, String text, Path file) {
    Matcher m = pattern.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException(file + ": the filter names no Cloud Run service");
    }
    return m.group(1);
  }
}
