package io.autorunner.scheduler.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class CheckPropertiesTests {

  @Test
  void theDelayedCheckIsOffUnlessConfigured() {
    assertThat(bind(Map.of()).checkDelay()).isZero();
  }

  @Test
  void aConfiguredDelayTurnsItOn() {
    assertThat(bind(Map.of("autorunner.tasks.check-delay", "10m")).checkDelay())
        .isEqualTo(Duration.ofMinutes(10));
  }

  private static CheckProperties bind(Map<String, String> properties) {
    return new Binder(new MapConfigurationPropertySource(properties))
        .bindOrCreate("autorunner.tasks", CheckProperties.class);
  }
}
