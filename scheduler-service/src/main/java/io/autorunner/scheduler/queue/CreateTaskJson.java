package io.autorunner.scheduler.queue;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of Cloud Tasks' REST method {@code projects.locations.queues.tasks.create} (v2): the
 * request body, and the error it reads from a refusal. Field names and value formats are protobuf's
 * JSON mapping: camelCase, durations as {@code "600s"}, timestamps in RFC 3339, bytes in base64,
 * enums by name.
 */
final class CreateTaskJson {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private CreateTaskJson() {}

  /** The request body: {@code {"task": {...}}}. */
  static byte[] request(Task task) {
    return JSON.writeValueAsBytes(new CreateTaskRequest(task));
  }

  /**
   * Google's error status ({@code PERMISSION_DENIED}, {@code UNAVAILABLE}…) and message from an
   * error answer, or the HTTP status when the body is not Google's error JSON (a proxy's page).
   */
  static String error(int httpStatus, byte[] answer) {
    try {
      ErrorAnswer error = JSON.readValue(answer, ErrorAnswer.class);
      if (error != null && error.error() != null && error.error().status() != null) {
        return error.error().status() + " (HTTP " + httpStatus + "): " + error.error().message();
      }
    } catch (JacksonException notGoogles) {
      // fall through to the bare status
    }
    return "HTTP " + httpStatus;
  }

  static String duration(Duration duration) {
    return duration.toSeconds() + "s";
  }

  static String timestamp(Instant instant) {
    return instant.toString();
  }

  record CreateTaskRequest(Task task) {}

  /**
   * @param scheduleTime when Cloud Tasks dispatches it; absent: now
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record Task(String name, String scheduleTime, String dispatchDeadline, HttpRequest httpRequest) {}

  /** An HTTP task; {@code body} is written in base64, as protobuf's JSON writes bytes. */
  record HttpRequest(
      String url,
      String httpMethod,
      Map<String, String> headers,
      byte[] body,
      OidcToken oidcToken) {}

  record OidcToken(String serviceAccountEmail, String audience) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record ErrorAnswer(Status error) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  record Status(int code, String message, String status) {}
}
