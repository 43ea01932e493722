package io.autorunner.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.JsonWriterStructuredLogFormatter;
import org.springframework.core.env.Environment;

/**
 * One JSON object per line as Cloud Logging reads a container's output: {@code severity} (its
 * LogSeverity names), {@code message}, {@code time}, the request's trace ({@code
 * logging.googleapis.com/trace}, {@code spanId}, {@code trace_sampled}) and, beside them, the
 * fields of the work ({@link LogFields}) from the MDC and the line's SLF4J key-value pairs, which
 * land in {@code jsonPayload}. Spring Boot's structured logging writes it when {@code
 * logging.structured.format.console} names this class (the images set it); without that, the lines
 * stay Spring's readable text, which prints neither the MDC nor the pairs, so the text is the same
 * either way.
 */
public final class CloudLoggingFormatter extends JsonWriterStructuredLogFormatter<ILoggingEvent> {

  static final String TRACE = "logging.googleapis.com/trace";
  static final String SPAN = "logging.googleapis.com/spanId";
  static final String SAMPLED = "logging.googleapis.com/trace_sampled";

  /** Names the formatter writes itself; a pair of the same name is dropped, never duplicated. */
  private static final Set<String> RESERVED =
      Set.of(
          "severity",
          "message",
          "time",
          "logger",
          "thread",
          "stack_trace",
          TRACE,
          SPAN,
          SAMPLED,
          TraceContext.MDC_TRACE,
          TraceContext.MDC_SPAN,
          TraceContext.MDC_SAMPLED);

  /** Made by Spring Boot's structured logging, which passes these parameters by type. */
  public CloudLoggingFormatter(Environment environment, ThrowableProxyConverter throwables) {
    this(project(environment), throwables);
  }

  /**
   * @param project the Google Cloud project traces belong to; blank: the trace id is written as a
   *     plain field, since Cloud Logging links only {@code projects/PROJECT/traces/ID}
   */
  CloudLoggingFormatter(String project, ThrowableProxyConverter throwables) {
    super(
        JsonWriter.<ILoggingEvent>of(members -> members(members, project, throwables))
            .withNewLineAtEnd());
  }

  private static void members(
      JsonWriter.Members<ILoggingEvent> members,
      String project,
      ThrowableProxyConverter throwables) {
    members.add("severity", event -> severity(event.getLevel()));
    members.add("message", ILoggingEvent::getFormattedMessage);
    members.add("time", event -> event.getInstant().toString());
    members.add("logger", ILoggingEvent::getLoggerName);
    members.add("thread", ILoggingEvent::getThreadName);
    boolean linked = project != null && !project.isBlank();
    if (linked) {
      members
          .add(TRACE, event -> mdc(event, TraceContext.MDC_TRACE))
          .whenNotNull()
          .as(id -> "projects/" + project + "/traces/" + id);
      members.add(SPAN, event -> mdc(event, TraceContext.MDC_SPAN)).whenNotNull();
      members
          .add(SAMPLED, event -> mdc(event, TraceContext.MDC_SAMPLED))
          .whenNotNull()
          .as(Boolean::valueOf);
    } else {
      members
          .add(TraceContext.MDC_TRACE, event -> mdc(event, TraceContext.MDC_TRACE))
          .whenNotNull();
    }
    members.add().usingPairs(CloudLoggingFormatter::fields);
    members
        .add("stack_trace", event -> event)
        .whenNotNull(ILoggingEvent::getThrowableProxy)
        .as(throwables::convert);
  }

  /** Logback's levels as Cloud Logging's LogSeverity: TRACE has none, WARN is WARNING. */
  static String severity(Level level) {
    return switch (level.toInt()) {
      case Level.ERROR_INT -> "ERROR";
      case Level.WARN_INT -> "WARNING";
      case Level.INFO_INT -> "INFO";
      default -> "DEBUG";
    };
  }

  /** The work's fields: the MDC's, then the line's own pairs, which win on a clash. */
  private static void fields(ILoggingEvent event, BiConsumer<String, Object> pairs) {
    Map<String, Object> fields = new LinkedHashMap<>();
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc != null) {
      mdc.forEach(fields::put);
    }
    List<KeyValuePair> own = event.getKeyValuePairs();
    if (own != null) {
      for (KeyValuePair pair : own) {
        if (pair.key != null && pair.value != null) {
          fields.put(pair.key, jsonValue(pair.value));
        }
      }
    }
    fields.forEach(
        (name, value) -> {
          if (!RESERVED.contains(name)) {
            pairs.accept(name, value);
          }
        });
  }

  /** Numbers and booleans stay JSON numbers and booleans; anything else is its text. */
  private static Object jsonValue(Object value) {
    return value instanceof Number || value instanceof Boolean ? value : value.toString();
  }

  private static String mdc(ILoggingEvent event, String key) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    return mdc == null ? null : mdc.get(key);
  }

  private static String project(Environment environment) {
    String configured = environment.getProperty("autorunner.logging.project");
    if (configured != null && !configured.isBlank()) {
      return configured.trim();
    }
    String google = environment.getProperty("GOOGLE_CLOUD_PROJECT");
    return google == null ? "" : google.trim();
  }
}
