package io.autorunner.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class CloudLoggingFormatterTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final Logger logger = context.getLogger("io.autorunner.Example");

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void aLineIsOneJsonObjectWithSeverityMessageAndTime() {
    String line =
        formatter("my-proj").format(event(Level.INFO, "job {} got VM {}", 42, "ghr-42-1"));

    assertThat(line).endsWith("\n");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = JSON.readTree(line);
    assertThat(json.path("severity").asString()).isEqualTo("INFO");
    assertThat(json.path("message").asString()).isEqualTo("job 42 got VM ghr-42-1");
    assertThat(json.path("time").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(json.path("logger").asString()).isEqualTo("io.autorunner.Example");
  }

  @Test
  void logbackLevelsBecomeCloudLoggingSeverities() {
    assertThat(CloudLoggingFormatter.severity(Level.ERROR)).isEqualTo("ERROR");
    assertThat(CloudLoggingFormatter.severity(Level.WARN)).isEqualTo("WARNING");
    assertThat(CloudLoggingFormatter.severity(Level.INFO)).isEqualTo("INFO");
    assertThat(CloudLoggingFormatter.severity(Level.DEBUG)).isEqualTo("DEBUG");
    assertThat(CloudLoggingFormatter.severity(Level.TRACE)).isEqualTo("DEBUG");
  }

  @Test
  void theRequestsTraceIsLinkedInTheProjectCloudLoggingReadsItFrom() {
    TraceContext trace =
        TraceContext.of("105445aa7843bc8bf206b12000100000/1;o=1", null).orElseThrow();
    String line;
    try (var scope = trace.open()) {
      line = formatter("my-proj").format(event(Level.WARN, "hello"));
    }

    JsonNode json = JSON.readTree(line);
    assertThat(json.path(CloudLoggingFormatter.TRACE).asString())
        .isEqualTo("projects/my-proj/traces/105445aa7843bc8bf206b12000100000");
    assertThat(json.path(CloudLoggingFormatter.SPAN).asString()).isEqualTo("0000000000000001");
    assertThat(json.path(CloudLoggingFormatter.SAMPLED).isBoolean()).isTrue();
    assertThat(json.path(CloudLoggingFormatter.SAMPLED).asBoolean()).isTrue();
    assertThat(json.has(TraceContext.MDC_TRACE)).as("no duplicate of the trace").isFalse();
    assertThat(MDC.get(TraceContext.MDC_TRACE)).as("closed scope leaves no trace").isNull();
  }

  @Test
  void withoutAProjectTheTraceIdIsAPlainField() {
    String line;
    try (var scope =
        TraceContext.of("105445aa7843bc8bf206b12000100000/1", null).orElseThrow().open()) {
      line = formatter("").format(event(Level.INFO, "hello"));
    }

    JsonNode json = JSON.readTree(line);
    assertThat(json.has(CloudLoggingFormatter.TRACE)).isFalse();
    assertThat(json.path("trace_id").asString()).isEqualTo("105445aa7843bc8bf206b12000100000");
  }

  @Test
  void theWorksFieldsComeFromTheMdcAndTheLinesPairsNumbersStayNumbers() {
    LoggingEvent event = event(Level.INFO, "vm deleted");
    event.addKeyValuePair(new KeyValuePair(LogFields.COST_USD, 0.0731));
    event.addKeyValuePair(new KeyValuePair(LogFields.SECONDS_ALIVE, 1200L));
    event.addKeyValuePair(new KeyValuePair(LogFields.SPOT, true));
    event.addKeyValuePair(new KeyValuePair(LogFields.VM, "ghr-42-1"));
    event.addKeyValuePair(new KeyValuePair(LogFields.REPOSITORY, "acme/models"));
    event.setMDCPropertyMap(
        Map.of(LogFields.TRIGGER, "delete-runner", LogFields.REPOSITORY, "x/y"));

    event.addKeyValuePair(
        new KeyValuePair(LogFields.QUEUED_TO_INSERT_S, new BigDecimal("0.000468")));
    String line = formatter("p").format(event);
    JsonNode json = JSON.readTree(line);

    assertThat(json.path(LogFields.COST_USD).isNumber()).isTrue();
    assertThat(json.path(LogFields.COST_USD).asDouble()).isEqualTo(0.0731);
    assertThat(line).contains("\"" + LogFields.QUEUED_TO_INSERT_S + "\":0.000468");
    assertThat(json.path(LogFields.SECONDS_ALIVE).asLong()).isEqualTo(1200);
    assertThat(json.path(LogFields.SPOT).isBoolean()).isTrue();
    assertThat(json.path(LogFields.VM).asString()).isEqualTo("ghr-42-1");
    assertThat(json.path(LogFields.TRIGGER).asString()).isEqualTo("delete-runner");
    assertThat(json.path(LogFields.REPOSITORY).asString())
        .as("the line's own pair wins over the MDC")
        .isEqualTo("acme/models");
  }

  @Test
  void aNumberJsonCannotHoldIsWrittenAsText() {
    LoggingEvent event = event(Level.INFO, "odd");
    event.addKeyValuePair(new KeyValuePair(LogFields.COST_USD, Double.NaN));
    event.addKeyValuePair(new KeyValuePair("ratio", Float.POSITIVE_INFINITY));

    JsonNode json = JSON.readTree(formatter("p").format(event));

    assertThat(json.path(LogFields.COST_USD).asString()).isEqualTo("NaN");
    assertThat(json.path("ratio").asString()).isEqualTo("Infinity");
  }

  @Test
  void aPairCannotOverwriteTheSeverityOrTheMessage() {
    LoggingEvent event = event(Level.ERROR, "real");
    event.addKeyValuePair(new KeyValuePair("severity", "DEBUG"));
    event.addKeyValuePair(new KeyValuePair("message", "forged"));

    String line = formatter("p").format(event);

    JsonNode json = JSON.readTree(line);
    assertThat(json.path("severity").asString()).isEqualTo("ERROR");
    assertThat(json.path("message").asString()).isEqualTo("real");
    assertThat(line.split("\"severity\"", -1)).hasSize(2);
  }

  @Test
  void untrustedTextStaysInsideItsStringOnOneLine() {
    String line = formatter("p").format(event(Level.INFO, "a \"quoted\"\nline\twith\u0001control"));

    assertThat(line.strip()).doesNotContain("\n");
    assertThat(JSON.readTree(line).path("message").asString())
        .isEqualTo("a \"quoted\"\nline\twith\u0001control");
  }

  @Test
  void anExceptionsStackTraceGoesWithTheLine() {
    LoggingEvent event =
        new LoggingEvent(
            getClass().getName(),
            logger,
            Level.ERROR,
            "failed",
            new IllegalStateException("boom"),
            null);

    JsonNode json = JSON.readTree(formatter("p").format(event));

    assertThat(json.path("severity").asString()).isEqualTo("ERROR");
    assertThat(json.path("stack_trace").asString())
        .contains("java.lang.IllegalStateException: boom")
        .contains("CloudLoggingFormatterTest");
  }

  private LoggingEvent event(Level level, String message, Object... args) {
    return new LoggingEvent(getClass().getName(), logger, level, message, null, args);
  }

  private CloudLoggingFormatter formatter(String project) {
    ThrowableProxyConverter throwables = new ThrowableProxyConverter();
    throwables.setContext(context);
    throwables.start();
    return new CloudLoggingFormatter(project, throwables);
  }
}
