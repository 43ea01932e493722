package io.autorunner.scheduler.webhook;

import io.autorunner.common.config.Require;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code server.*}: where the scheduler's HTTP server ({@link WebhookServer}) listens. The keys are
 * Spring Boot's usual ones, though no Boot web server reads them here: {@code server.port} is
 * {@code ${PORT:8080}} (application.properties), as Cloud Run sets {@code PORT}.
 *
 * @param port the TCP port; 0 takes a free one (tests); unset: 8080
 * @param address the address to bind; unset: every interface
 * @param threads how many deliveries are served at once (the rest wait in the server's queue, in
 *     order); a delivery mostly waits on the queue's call, so this is many more than the cores
 */
@ConfigurationProperties("server")
public record ListenProperties(Integer port, String address, Integer threads) {

  public ListenProperties {
    if (port == null) {
      port = 8080;
    }
    if (threads == null) {
      threads = 64;
    }
    if (address != null && address.isBlank()) {
      address = null;
    }
    Require.that(port >= 0 && port <= 65_535, "server.port must be 0..65535, was " + port);
    Require.that(threads >= 1, "server.threads must be at least 1, was " + threads);
  }
}
