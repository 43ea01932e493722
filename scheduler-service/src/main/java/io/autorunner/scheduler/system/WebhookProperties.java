package io.autorunner.scheduler.system;

import io.autorunner.common.config.Require;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code autorunner.webhook.*}.
 *
 * @param secret the webhook secret(s) set on GitHub; a comma-separated list while rotating
 */
@ConfigurationProperties("autorunner.webhook")
public record WebhookProperties(List<String> secret) {

  public WebhookProperties {
    secret =
        secret == null
            ? List.of()
            : secret.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    Require.that(!secret.isEmpty(), "autorunner.webhook.secret is required");
  }

  @Override
  public String toString() {
    return "WebhookProperties[secret=<" + secret.size() + " secret(s)>]";
  }
}
