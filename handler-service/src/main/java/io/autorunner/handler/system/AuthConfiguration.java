package io.autorunner.handler.system;

import io.autorunner.handler.auth.AcceptAnyCaller;
import io.autorunner.handler.auth.CallerVerifier;
import io.autorunner.handler.auth.CloudRunIamVerifier;
import io.autorunner.handler.auth.GoogleIdTokenVerifier;
import io.autorunner.handler.auth.HandlerProperties;
import io.autorunner.handler.auth.TaskCallerFilter;
import java.time.Clock;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Who may call the task endpoints: the verifier {@code autorunner.handler.auth} names. */
@Configuration(proxyBeanMethods = false)
public class AuthConfiguration {

  /**
   * The verifier for {@code autorunner.handler.auth}. With {@code none} it logs a loud warning, so
   * it is made once, at start-up.
   */
  @Bean
  public CallerVerifier callerVerifier(HandlerProperties handler, Clock clock) {
    return switch (handler.auth()) {
      case OIDC ->
          GoogleIdTokenVerifier.fetchingKeysFrom(
              handler.oidcJwksUrl(), handler.audience(), handler.invokerServiceAccount(), clock);
      case CLOUD_RUN_IAM ->
          new CloudRunIamVerifier(handler.audience(), handler.invokerServiceAccount(), clock);
      case NONE -> AcceptAnyCaller.withLoudWarning();
    };
  }

  @Bean
  FilterRegistrationBean<TaskCallerFilter> taskCallerFilter(CallerVerifier verifier) {
    FilterRegistrationBean<TaskCallerFilter> registration =
        new FilterRegistrationBean<>(new TaskCallerFilter(verifier));
    registration.addUrlPatterns("/*");
    // Right after the trace filter, so a refused caller's line carries the request's trace.
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
    return registration;
  }
}
