package io.autorunner.scheduler.system;

import io.autorunner.common.config.Require;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code autorunner.webhook.*}.
 *
 * @param secret the webhook secret(s) set on GitHub; a comma-separated list while rotating
 * @param cpuConcurrency how many deliveries at once may verify, parse and route (the rest wait
 *     their turn, in order; the queue's call is outside this); unset: twice the cores the JVM sees
 */
@ConfigurationProperties("autorunner.webhook")
public record WebhookProperties(List<String> secret, Integer cpuConcurrency) {

  public WebhookProperties {
    secret =
        secret == null
            ? List.of()
            : secret.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    Require.that(!secret.isEmpty(), "autorunner.webhook.secret is required");
    if (cpuConcurrency == null) {
      cpuConcurrency = 2 * Runtime.getRuntime().availableProcessors();
    }
    Require.that(
        cpuConcurrency >= 1,
        "autorunner.webhook.cpu-concurrency must be at least 1, was " + cpuConcurrency);
  }

  @Override
  public String toString() {
    return "WebhookProperties[secret=<"
        + secret.size()
        + " secret(s)>, cpuConcurrency="
        + cpuConcurrency
        + "]";
  }
}
