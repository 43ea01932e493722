package io.autorunner.common.logging;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * The trace a request belongs to, as Cloud Run's front end tells it in {@code
 * X-Cloud-Trace-Context: TRACE_ID/SPAN_ID;o=1} (or W3C's {@code traceparent}), so the lines logged
 * while serving it sit under that request in Logs Explorer. The headers reach the public scheduler
 * from anyone: only well-formed ids are taken, anything else is no trace.
 *
 * @param traceId 32 lower-case hex digits
 * @param spanId 16 hex digits, as Cloud Logging's {@code spanId} wants it (the header's is decimal)
 * @param sampled whether the front end sampled the trace
 */
public record TraceContext(String traceId, String spanId, boolean sampled) {

  public static final String CLOUD_TRACE_HEADER = "X-Cloud-Trace-Context";
  public static final String TRACEPARENT_HEADER = "traceparent";

  /** The MDC keys the {@link CloudLoggingFormatter} turns into Cloud Logging's trace fields. */
  static final String MDC_TRACE = "trace_id";

  static final String MDC_SPAN = "span_id";
  static final String MDC_SAMPLED = "trace_sampled";

  private static final Pattern CLOUD =
      Pattern.compile("([0-9a-fA-F]{32})(?:/([0-9]{1,20}))?(?:;o=([01]))?");
  private static final Pattern TRACEPARENT =
      Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})");
  private static final String NO_TRACE = "0".repeat(32);

  /** The request's trace from its headers (Cloud Run's first); empty when neither is usable. */
  public static Optional<TraceContext> of(String cloudTraceContext, String traceparent) {
    return fromCloud(cloudTraceContext).or(() -> fromTraceparent(traceparent));
  }

  private static Optional<TraceContext> fromCloud(String header) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher m = CLOUD.matcher(header.trim());
    if (!m.matches() || m.group(1).equals(NO_TRACE)) {
      return Optional.empty();
    }
    String span = "";
    if (m.group(2) != null) {
      try {
        span = String.format("%016x", Long.parseUnsignedLong(m.group(2)));
      } catch (NumberFormatException tooLarge) {
        span = "";
      }
    }
    return Optional.of(
        new TraceContext(m.group(1).toLowerCase(Locale.ROOT), span, "1".equals(m.group(3))));
  }

  private static Optional<TraceContext> fromTraceparent(String header) {
    if (header == null) {
      return Optional.empty();
    }
    Matcher m = TRACEPARENT.matcher(header.trim());
    if (!m.matches() || m.group(1).equals(NO_TRACE)) {
      return Optional.empty();
    }
    boolean sampled = (Integer.parseInt(m.group(3), 16) & 1) == 1;
    return Optional.of(new TraceContext(m.group(1), m.group(2), sampled));
  }

  /**
   * Puts the trace in the MDC of this thread until the scope closes: every line logged meanwhile
   * carries it.
   */
  public Scope open() {
    MDC.put(MDC_TRACE, traceId);
    if (!spanId.isEmpty()) {
      MDC.put(MDC_SPAN, spanId);
    }
    MDC.put(MDC_SAMPLED, Boolean.toString(sampled));
    return () -> {
      MDC.remove(MDC_TRACE);
      MDC.remove(MDC_SPAN);
      MDC.remove(MDC_SAMPLED);
    };
  }

  /**
   * The request's trace from its headers ({@link #of}) in the MDC of this thread until the scope
   * closes; when neither header is usable, a scope that does nothing.
   */
  public static Scope openFrom(String cloudTraceContext, String traceparent) {
    return of(cloudTraceContext, traceparent).map(TraceContext::open).orElse(() -> {});
  }

  /** The trace's time on this thread; closing it takes the trace out of the MDC. */
  @FunctionalInterface
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }
}
