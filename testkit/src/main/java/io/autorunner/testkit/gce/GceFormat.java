package io.autorunner.testkit.gce;

import io.autorunner.testkit.http.Response;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every answer of the fake shares with GCE's: self links, timestamps and error bodies. */
final class GceFormat {

  static final String LINK_ROOT = "https://www.googleapis.com/compute/v1/projects/";

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX");

  private GceFormat() {}

  static String zoneLink(String project, String zone) {
    return LINK_ROOT + project + "/zones/" + zone;
  }

  static String regionLink(String project, String region) {
    return LINK_ROOT + project + "/regions/" + region;
  }

  static String timestamp(Instant instant) {
    return RFC3339.format(OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
  }

  /**
   * Google's error body: {@code {"error":{"code","message","errors":[{message,domain,reason}]}}}.
   */
  static Response error(int status, String reason, String message) {
    Map<String, Object> detail = new LinkedHashMap<>();
    detail.put("message", message);
    detail.put("domain", "global");
    detail.put("reason", reason);
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("code", status);
    error.put("message", message);
    error.put("errors", List.of(detail));
    return Response.json(status, Map.of("error", error));
  }

  /** 404 for a resource of a zone: {@code kind} is {@code instances} or {@code operations}. */
  static Response notFound(String project, String zone, String kind, String name) {
    return error(
        404, "notFound", "The resource '" + path(project, zone, kind, name) + "' was not found");
  }

  static String path(String project, String zone, String kind, String name) {
    return "projects/" + project + "/zones/" + zone + "/" + kind + "/" + name;
  }
}
