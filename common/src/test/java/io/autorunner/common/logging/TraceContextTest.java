package io.autorunner.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

class TraceContextTest {

  @AfterEach
  void clearMdc() {
    MDC.clear();
  }

  @Test
  void openFromUsableHeadersPutsTheTraceInTheMdcUntilClosed() {
    try (TraceContext.Scope scope =
        TraceContext.openFrom("105445aa7843bc8bf206b12000100000/1;o=1", null)) {
      assertThat(MDC.get("trace_id")).isEqualTo("105445aa7843bc8bf206b12000100000");
    }
    assertThat(MDC.get("trace_id")).isNull();
  }

  @Test
  void openFromUnusableHeadersLeavesTheMdcAlone() {
    MDC.put("other", "kept");
    try (TraceContext.Scope scope = TraceContext.openFrom("garbage", null)) {
      assertThat(MDC.get("trace_id")).isNull();
    }
    assertThat(MDC.get("other")).isEqualTo("kept");
  }

  @Test
  void cloudRunsHeaderGivesTraceSpanInHexAndSampling() {
    TraceContext trace =
        TraceContext.of("105445AA7843BC8BF206B12000100000/2305843009213693952;o=1", null)
            .orElseThrow();

    assertThat(trace.traceId()).isEqualTo("105445aa7843bc8bf206b12000100000");
    assertThat(trace.spanId()).isEqualTo("2000000000000000");
    assertThat(trace.sampled()).isTrue();
  }

  @Test
  void aSpanAndSamplingAreOptional() {
    TraceContext trace = TraceContext.of("105445aa7843bc8bf206b12000100000", null).orElseThrow();

    assertThat(trace.spanId()).isEmpty();
    assertThat(trace.sampled()).isFalse();
  }

  @Test
  void w3cTraceparentIsTheFallback() {
    TraceContext trace =
        TraceContext.of(null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            .orElseThrow();

    assertThat(trace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(trace.spanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(trace.sampled()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not-a-trace",
        "105445aa7843bc8bf206b1200010000/1",
        "105445aa7843bc8bf206b12000100000/1;o=1\n{\"severity\":\"ERROR\"}",
        "00000000000000000000000000000000/1;o=1"
      })
  void anythingButAWellFormedIdIsNoTrace(String header) {
    assertThat(TraceContext.of(header, "garbage")).isEmpty();
  }

  @Test
  void aSpanPastSixtyFourBitsIsDroppedAndTheTraceKept() {
    TraceContext trace =
        TraceContext.of("105445aa7843bc8bf206b12000100000/99999999999999999999;o=1", null)
            .orElseThrow();

    assertThat(trace.spanId()).isEmpty();
    assertThat(trace.sampled()).isTrue();
  }

  @Test
  void theScopePutsTheTraceInTheMdcAndTakesItOut() {
    TraceContext trace = TraceContext.of("105445aa7843bc8bf206b12000100000/1", null).orElseThrow();

    try (var scope = trace.open()) {
      assertThat(MDC.get(TraceContext.MDC_TRACE)).isEqualTo(trace.traceId());
      assertThat(MDC.get(TraceContext.MDC_SPAN)).isEqualTo("0000000000000001");
    }

    assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
  }

  @Test
  void aLogContextRestoresWhatAnOuterOneSet() {
    try (var outer = LogContext.with(LogFields.TRIGGER, "reconcile", LogFields.JOB_ID, 1L)) {
      try (var inner = LogContext.with(LogFields.TRIGGER, "create-runner", LogFields.VM, null)) {
        assertThat(MDC.get(LogFields.TRIGGER)).isEqualTo("create-runner");
        assertThat(MDC.get(LogFields.VM)).isNull();
      }
      assertThat(MDC.get(LogFields.TRIGGER)).isEqualTo("reconcile");
      assertThat(MDC.get(LogFields.JOB_ID)).isEqualTo("1");
    }
    assertThat(MDC.get(LogFields.TRIGGER)).isNull();
  }
}
