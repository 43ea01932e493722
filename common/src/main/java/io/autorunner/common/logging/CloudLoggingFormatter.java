package io.autorunner.common.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.autorunner.common.json.JsonText;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.event.KeyValuePair;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
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
 *
 * <p>The line is written into one {@link StringBuilder} ({@link JsonText}) rather than through
 * Spring's {@code JsonWriter}, which appends a character at a time through a byte buffer: the
 * scheduler writes a line for every webhook, and that writer was ~15% of a delivery's CPU.
 */
public final class CloudLoggingFormatter implements StructuredLogFormatter<ILoggingEvent> {

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

  /** {@code projects/PROJECT/traces/}, or null to write the trace id as a plain field. */
  private final String tracePrefix;

  private final ThrowableProxyConverter throwables;

  /** Made by Spring Boot's structured logging, which passes these parameters by type. */
  public CloudLoggingFormatter(Environment environment, ThrowableProxyConverter throwables) {
    this(project(environment), throwables);
  }

  /**
   * @param project the Google Cloud project traces belong to; blank: the trace id is written as a
   *     plain field, since Cloud Logging links only {@code projects/PROJECT/traces/ID}
   */
  CloudLoggingFormatter(String project, ThrowableProxyConverter throwables) {
    this.tracePrefix =
        project != null && !project.isBlank() ? "projects/" + project + "/traces/" : null;
    this.throwables = throwables;
  }

  @Override
  public String format(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    StringBuilder line = new StringBuilder(256 + (message == null ? 0 : message.length()));
    line.append("{\"severity\":\"").append(severity(event.getLevel())).append('"');
    member(line, "message", message);
    member(line, "time", event.getInstant().toString());
    member(line, "logger", event.getLoggerName());
    member(line, "thread", event.getThreadName());
    Map<String, String> mdc = Objects.requireNonNullElse(event.getMDCPropertyMap(), Map.of());
    String trace = mdc.get(TraceContext.MDC_TRACE);
    if (tracePrefix != null) {
      if (trace != null) {
        member(line, TRACE, tracePrefix + trace);
      }
      member(line, SPAN, mdc.get(TraceContext.MDC_SPAN));
      String sampled = mdc.get(TraceContext.MDC_SAMPLED);
      if (sampled != null) {
        JsonText.quote(line.append(','), SAMPLED).append(':').append(Boolean.parseBoolean(sampled));
      }
    } else {
      member(line, TraceContext.MDC_TRACE, trace);
    }
    fields(event, mdc)
        .forEach((name, value) -> value(JsonText.quote(line.append(','), name), value));
    if (event.getThrowableProxy() != null) {
      member(line, "stack_trace", throwables.convert(event));
    }
    return line.append("}\n").toString();
  }

  /** {@code ,"name":"value"}, or nothing when the value is null. */
  private static void member(StringBuilder line, String name, String value) {
    if (value != null) {
      JsonText.quote(JsonText.quote(line.append(','), name).append(':'), value);
    }
  }

  /** A finite number or a boolean as itself; anything else as its text. */
  private static void value(StringBuilder line, Object value) {
    line.append(':');
    boolean finite =
        value instanceof Number number
            && !(number instanceof Double d && !Double.isFinite(d))
            && !(number instanceof Float f && !Float.isFinite(f));
    if (finite || value instanceof Boolean) {
      line.append(value);
    } else {
      JsonText.quote(line, value.toString());
    }
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

  /**
   * The work's fields: the MDC's (never null here), then the line's own pairs, which win on a
   * clash.
   */
  private static Map<String, Object> fields(ILoggingEvent event, Map<String, String> mdc) {
    List<KeyValuePair> own = event.getKeyValuePairs();
    if (mdc.isEmpty() && (own == null || own.isEmpty())) {
      return Map.of();
    }
    Map<String, Object> fields = new LinkedHashMap<>(mdc);
    if (own != null) {
      for (KeyValuePair pair : own) {
        if (pair.key != null && pair.value != null) {
          fields.put(pair.key, pair.value);
        }
      }
    }
    fields.keySet().removeAll(RESERVED);
    return fields;
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
