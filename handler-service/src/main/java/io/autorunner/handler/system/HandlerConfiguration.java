package io.autorunner.handler.system;

import io.autorunner.common.web.TraceLogFilter;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What every part of the handler shares. The rest of the wiring is split by what it builds: {@link
 * AuthConfiguration} (who may call), {@link GitHubConfiguration}, {@link ComputeConfiguration}
 * (where VMs are made), {@link StoreConfiguration} (what instances share) and {@link
 * LifecycleConfiguration} (the task flows and the reconciler).
 */
@Configuration(proxyBeanMethods = false)
class HandlerConfiguration {

  @Bean
  Clock clock() {
    return Clock.systemUTC();
  }

  /** The request's Cloud Trace context in the MDC, for the JSON log lines; before every filter. */
  @Bean
  TraceLogFilter traceLogFilter() {
    return new TraceLogFilter();
  }
}
