package io.autorunner.common.web;

import io.autorunner.common.logging.TraceContext;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import org.springframework.core.Ordered;

/**
 * Puts the trace Cloud Run's front end gave the request in the MDC while it is served, so its lines
 * sit under the request in Logs Explorer. First of all filters: whatever logs, logs with it. Both
 * services register it (their configurations make the bean); the servlet API is theirs, so common
 * compiles against it without bringing it.
 */
public final class TraceLogFilter implements Filter, Ordered {

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletRequest http = (HttpServletRequest) request;
    try (TraceContext.Scope scope =
        TraceContext.openFrom(
            http.getHeader(TraceContext.CLOUD_TRACE_HEADER),
            http.getHeader(TraceContext.TRACEPARENT_HEADER))) {
      chain.doFilter(request, response);
    }
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }
}
