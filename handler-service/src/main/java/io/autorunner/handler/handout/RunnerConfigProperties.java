package io.autorunner.handler.handout;

import io.autorunner.handler.vm.HandoutAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code autorunner.runner-config.*}: where runner VMs ask for their runner, and what their
 * identity tokens must say.
 *
 * @param url the endpoint the VMs call; default the handler's URL ({@code
 *     autorunner.handler.audience}) + {@link RunnerConfigController#PATH}
 * @param audience the audience the VMs' instance identity tokens must carry; default {@code
 *     autorunner.handler.audience}, else the URL's origin
 * @param jwksUrl where the keys that sign instance identity tokens are published (Google's)
 * @param window how long after its creation a VM may ask; default the reconciler's boot timeout,
 *     past which a VM without an online runner is deleted anyway
 */
@ConfigurationProperties("autorunner.runner-config")
public record RunnerConfigProperties(
    URI url,
    String audience,
    @DefaultValue("https://www.googleapis.com/oauth2/v3/certs") URI jwksUrl,
    Duration window) {

  public RunnerConfigProperties {
    // Here, so that binding fails with the key at start-up rather than a factory method later.
    if (window != null && (window.isNegative() || window.isZero())) {
      throw new IllegalArgumentException("autorunner.runner-config.window must be positive");
    }
  }

  /** Where a VM asks, for a handler whose own URL is {@code handlerUrl} (if known). */
  public HandoutAddress address(Optional<String> handlerUrl) {
    URI endpoint =
        Optional.ofNullable(url)
            .or(() -> handlerUrl.filter(u -> !u.isBlank()).map(u -> endpointOf(u)))
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "autorunner.runner-config.url is required: the URL runner VMs ask for their"
                            + " runner (the handler's URL + "
                            + RunnerConfigController.PATH
                            + "), or set autorunner.handler.audience"));
    String expected =
        Optional.ofNullable(audience)
            .filter(a -> !a.isBlank())
            .or(() -> handlerUrl.filter(u -> !u.isBlank()))
            .orElseGet(() -> endpoint.getScheme() + "://" + endpoint.getRawAuthority());
    return new HandoutAddress(endpoint, expected);
  }

  /** The window, or {@code fallback} when none is set. */
  public Duration windowOr(Duration fallback) {
    Duration chosen = window != null ? window : fallback;
    if (chosen.isNegative() || chosen.isZero()) {
      throw new IllegalArgumentException("autorunner.runner-config.window must be positive");
    }
    return chosen;
  }

  private static URI endpointOf(String handlerUrl) {
    String base =
        handlerUrl.endsWith("/") ? handlerUrl.substring(0, handlerUrl.length() - 1) : handlerUrl;
    return URI.create(base + RunnerConfigController.PATH);
  }
}
