package io.autorunner.scheduler.system;

import jakarta.validation.constraints.NotEmpty;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code autorunner.webhook.*}.
 *
 * @param secret the webhook secret(s) set on GitHub; a comma-separated list while rotating
 */
@Validated
@ConfigurationProperties("autorunner.webhook")
public record WebhookProperties(@NotEmpty(message = "is required") List<String> secret) {

  public WebhookProperties {
    secret =
        secret == null
            ? List.of()
            : secret.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  @Override
  public String toString() {
    return "WebhookProperties[secret=<" + secret.size() + " secret(s)>]";
  }
}
