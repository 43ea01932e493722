package io.autorunner.handler.handout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autorunner.handler.vm.HandoutAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Where VMs ask for their runner, and which audience their tokens must carry, from the settings.
 */
class RunnerConfigPropertiesTest {

  private static final URI GOOGLE_KEYS = URI.create("https://www.googleapis.com/oauth2/v3/certs");
  private static final String HANDLER = "https://handler-abc123-uc.a.run.app";

  @Test
  void byDefaultVmsAskTheHandlersOwnUrlWithItAsTheAudience() {
    HandoutAddress address = properties(null, null).address(Optional.of(HANDLER + "/"));

    assertThat(address.url()).isEqualTo(URI.create(HANDLER + "/vm/runner-config"));
    assertThat(address.audience()).isEqualTo(HANDLER + "/");
  }

  @Test
  void anExplicitUrlWinsAndItsOriginIsTheAudienceWhenNothingElseSaysSo() {
    HandoutAddress address =
        properties(URI.create("https://runners.example:8443/vm/runner-config"), null)
            .address(Optional.empty());

    assertThat(address.url())
        .isEqualTo(URI.create("https://runners.example:8443/vm/runner-config"));
    assertThat(address.audience()).isEqualTo("https://runners.example:8443");
  }

  @Test
  void anExplicitAudienceWins() {
    HandoutAddress address = properties(null, "runner-vms").address(Optional.of(HANDLER));

    assertThat(address.audience()).isEqualTo("runner-vms");
  }

  @Test
  void withoutUrlOrHandlerAudienceThereIsNoAddressAndTheErrorNamesBothKeys() {
    assertThatThrownBy(() -> properties(null, null).address(Optional.of(" ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("autorunner.runner-config.url")
        .hasMessageContaining("autorunner.handler.audience");
  }

  @Test
  void theWindowDefaultsToTheGivenBootTimeoutAndMustBePositive() {
    assertThat(properties(null, null).windowOr(Duration.ofMinutes(10)))
        .isEqualTo(Duration.ofMinutes(10));
    assertThat(
            new RunnerConfigProperties(null, null, GOOGLE_KEYS, Duration.ofMinutes(4))
                .windowOr(Duration.ofMinutes(10)))
        .isEqualTo(Duration.ofMinutes(4));
    assertThatThrownBy(() -> new RunnerConfigProperties(null, null, GOOGLE_KEYS, Duration.ZERO))
        .hasMessageContaining("autorunner.runner-config.window");
    assertThatThrownBy(() -> properties(null, null).windowOr(Duration.ofSeconds(-1)))
        .hasMessageContaining("autorunner.runner-config.window");
  }

  private static RunnerConfigProperties properties(URI url, String audience) {
    return new RunnerConfigProperties(url, audience, GOOGLE_KEYS, null);
  }
}
