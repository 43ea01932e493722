package io.autorunner.scheduler.webhook;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * Maps {@code /webhook} to {@link WebhookController} as an {@code HttpRequestHandler}, looked up
 * before the annotated mappings, so a delivery goes from the DispatcherServlet straight to it.
 */
@Configuration(proxyBeanMethods = false)
class WebhookMapping {

  @Bean
  SimpleUrlHandlerMapping webhookHandlerMapping(WebhookController webhook) {
    return new SimpleUrlHandlerMapping(
        Map.of(WebhookController.PATH, webhook), Ordered.HIGHEST_PRECEDENCE);
  }
}
